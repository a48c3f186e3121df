// Extraction of the local IP from $SSH_CONNECTION.

#include "session/ssh_connection.h"

#include <arpa/inet.h>

#include <vector>

namespace roam::session {

std::optional<std::string> LocalIpFromSshConnection(
    std::optional<std::string_view> ssh_connection) {
  if (!ssh_connection) return std::nullopt;
  std::vector<std::string_view> fields;
  std::string_view rest = *ssh_connection;
  while (!rest.empty()) {
    size_t start = rest.find_first_not_of(" \t");
    if (start == std::string_view::npos) break;
    rest.remove_prefix(start);
    size_t end = rest.find_first_of(" \t");
    fields.push_back(rest.substr(0, end));
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
  }
  if (fields.size() < 4) return std::nullopt;
  std::string ip(fields[2]);
  constexpr std::string_view kMappedPrefix = "::ffff:";
  if (ip.size() > kMappedPrefix.size() && ip.compare(0, kMappedPrefix.size(), kMappedPrefix) == 0) {
    std::string v4 = ip.substr(kMappedPrefix.size());
    unsigned char buf[16];
    if (inet_pton(AF_INET, v4.c_str(), buf) == 1) ip = v4;
  }
  unsigned char buf[16];
  if (inet_pton(AF_INET, ip.c_str(), buf) != 1 && inet_pton(AF_INET6, ip.c_str(), buf) != 1) {
    return std::nullopt;
  }
  return ip;
}

}  // namespace roam::session
