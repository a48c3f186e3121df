// The user-facing one-line messages for the ways starting a session fails.

#ifndef ROAM_CLIENT_BOOTSTRAP_MESSAGES_H_
#define ROAM_CLIENT_BOOTSTRAP_MESSAGES_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "client/bootstrap_outcome.h"

namespace roam::client {

// One line (no trailing newline), starting "roam: ", naming `host` and, for
// kServerNotFound and kNoConnectLine, the server that was tried (`server` =
// --server or empty), and saying what to check.
std::string BootstrapProblemMessage(BootstrapProblem problem, const BootstrapOutcome& outcome,
                                    std::string_view host, std::string_view server);

// The one line for a server that started but never answered over UDP.
std::string UdpUnreachableMessage(std::string_view host, std::string_view ip, uint16_t port);

}  // namespace roam::client

#endif  // ROAM_CLIENT_BOOTSTRAP_MESSAGES_H_
