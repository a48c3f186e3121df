// SHA-256 of a byte string as 64 lowercase hex digits (what sha256sum
// prints), for end-to-end tests that compare what crossed a session.

#ifndef ROAM_TESTS_E2E_COMMON_SHA256_HEX_H_
#define ROAM_TESTS_E2E_COMMON_SHA256_HEX_H_

#include <optional>
#include <string>
#include <string_view>

namespace roam::testing {

std::string Sha256Hex(std::string_view bytes);

// The same for a whole file, read in pieces (files of 100 MiB and more);
// nullopt when it cannot be opened.
std::optional<std::string> Sha256FileHex(const std::string& path);

}  // namespace roam::testing

#endif  // ROAM_TESTS_E2E_COMMON_SHA256_HEX_H_
