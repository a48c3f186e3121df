// Files for the stock-tool tests: seeded random trees and digests to
// compare them with, and the roam wrapper script the tools are given as
// their ssh program.

#ifndef ROAM_TESTS_E2E_TOOLS_TOOL_TREE_H_
#define ROAM_TESTS_E2E_TOOLS_TOOL_TREE_H_

#include <cstdint>
#include <string>

namespace roam::testing {

// A file of `size` seeded random bytes.
void WriteRandomFile(const std::string& path, size_t size, uint64_t seed);
// `files` small files (0-4 KiB, in a few subdirectories) and one file of
// `large` bytes under `dir`.
void WriteTree(const std::string& dir, int files, size_t large, uint64_t seed);
// SHA-256 of a file's bytes, in hex ("" if unreadable).
std::string FileDigest(const std::string& path);
// One digest over every regular file's relative path and bytes, in sorted
// order ("" if `dir` is missing).
std::string TreeDigest(const std::string& dir);
// Writes `dir`/roam, a script that runs this build's roam with
// --ssh=`ssh_command` and the arguments it was given; returns its path.
std::string WriteRoamWrapper(const std::string& dir, const std::string& ssh_command,
                             const std::string& extra_flags = "");

}  // namespace roam::testing

#endif  // ROAM_TESTS_E2E_TOOLS_TOOL_TREE_H_
