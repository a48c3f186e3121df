// Formatting and scanning of the bootstrap CONNECT line.

#include "bootstrap/connect_line.h"

#include <charconv>
#include <vector>

#include "base/check.h"
#include "crypto/secret_hygiene.h"

namespace roam::bootstrap {

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

bool IsKeyChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' ||
         c == '+';
}

std::string_view TrimLeadingCr(std::string_view s) {
  while (!s.empty() && s.front() == '\r') s.remove_prefix(1);
  return s;
}

std::string_view TrimTrailingSpace(std::string_view s) {
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> Words(std::string_view s) {
  std::vector<std::string_view> words;
  while (!s.empty()) {
    size_t start = 0;
    while (start < s.size() && IsSpace(s[start])) ++start;
    s.remove_prefix(start);
    if (s.empty()) break;
    size_t end = 0;
    while (end < s.size() && !IsSpace(s[end])) ++end;
    words.push_back(s.substr(0, end));
    s.remove_prefix(end);
  }
  return words;
}

}  // namespace

ConnectInfo::~ConnectInfo() { crypto::WipeString(&key); }

ConnectLineScanner::~ConnectLineScanner() { crypto::WipeString(&partial_); }

std::string FormatConnectLine(uint16_t port, std::string_view key, bool stdin_is_tty) {
  ROAM_CHECK(key.size() == kConnectKeyLength);
  std::string out;
  if (stdin_is_tty) out = "\r\n\n";
  out += "MOSH CONNECT " + std::to_string(port) + " ";
  out.append(key);
  out += "\n";
  return out;
}

BootstrapLine ClassifyBootstrapLine(std::string_view raw) {
  BootstrapLine result;
  std::string_view line = TrimLeadingCr(raw);

  constexpr std::string_view kConnect = "MOSH CONNECT ";
  constexpr std::string_view kIp = "MOSH IP ";
  constexpr std::string_view kSshConnection = "MOSH SSH_CONNECTION ";
  constexpr std::string_view kTcp = "ROAM TCP ";
  constexpr std::string_view kNote = "ROAM NOTE ";

  if (line.substr(0, kNote.size()) == kNote) {
    // Printable text only: a note is shown as one line of the user's
    // terminal.
    std::string_view text = TrimTrailingSpace(line.substr(kNote.size()));
    for (char c : text) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return result;
    }
    if (text.empty()) return result;
    result.kind = BootstrapLine::Kind::kNote;
    result.text = std::string(text);
    return result;
  }

  if (line.substr(0, kTcp.size()) == kTcp) {
    std::vector<std::string_view> words = Words(line.substr(kTcp.size()));
    unsigned port = 0;
    if (words.size() != 1 || words[0].size() > 5 ||
        std::from_chars(words[0].data(), words[0].data() + words[0].size(), port).ptr !=
            words[0].data() + words[0].size() ||
        port < 1 || port > 65535) {
      return result;
    }
    result.kind = BootstrapLine::Kind::kTcpPort;
    result.port = static_cast<uint16_t>(port);
    return result;
  }

  if (line.substr(0, kConnect.size()) == kConnect) {
    // Exactly: digits, one space, 22 key characters, then only whitespace.
    std::string_view rest = line.substr(kConnect.size());
    size_t digits = 0;
    while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
    if (digits == 0 || digits > 5 || digits >= rest.size() || rest[digits] != ' ') return result;
    unsigned port = 0;
    std::from_chars(rest.data(), rest.data() + digits, port);
    if (port < 1 || port > 65535) return result;
    std::string_view key = rest.substr(digits + 1);
    if (key.size() < kConnectKeyLength) return result;
    for (size_t i = 0; i < kConnectKeyLength; ++i) {
      if (!IsKeyChar(key[i])) return result;
    }
    for (size_t i = kConnectKeyLength; i < key.size(); ++i) {
      if (!IsSpace(key[i])) return result;
    }
    result.kind = BootstrapLine::Kind::kConnect;
    result.connect.port = static_cast<uint16_t>(port);
    result.connect.key = std::string(key.substr(0, kConnectKeyLength));
    return result;
  }
  if (line.substr(0, kIp.size()) == kIp) {
    std::vector<std::string_view> words = Words(line.substr(kIp.size()));
    if (words.size() != 1) return result;
    result.kind = BootstrapLine::Kind::kIp;
    result.text = std::string(words[0]);
    return result;
  }
  if (line.substr(0, kSshConnection.size()) == kSshConnection) {
    result.kind = BootstrapLine::Kind::kSshConnection;
    result.text = std::string(TrimTrailingSpace(line.substr(kSshConnection.size())));
    return result;
  }
  return result;
}

std::string ConnectLineScanner::Feed(std::string_view bytes) {
  std::string shown;
  while (!bytes.empty()) {
    if (done()) {
      shown.append(bytes);
      return shown;
    }
    size_t newline = bytes.find('\n');
    if (newline == std::string_view::npos) {
      partial_.append(bytes);
      if (partial_.size() > kMaxLineBytes) {
        shown += partial_;
        partial_.clear();
      }
      return shown;
    }
    partial_.append(bytes.substr(0, newline + 1));
    bytes.remove_prefix(newline + 1);

    std::string_view body(partial_.data(), partial_.size() - 1);
    BootstrapLine line = ClassifyBootstrapLine(body);
    switch (line.kind) {
      case BootstrapLine::Kind::kOther:
        shown += partial_;
        break;
      case BootstrapLine::Kind::kConnect:
        connect_ = line.connect;
        // The line held the key: wipe it rather than just forget it.
        crypto::WipeString(&partial_);
        break;
      case BootstrapLine::Kind::kIp:
        ip_ = line.text;
        break;
      case BootstrapLine::Kind::kSshConnection: {
        std::vector<std::string_view> words = Words(line.text);
        if (words.size() >= 3) ssh_connection_ip_ = std::string(words[2]);
        break;
      }
      case BootstrapLine::Kind::kTcpPort:
        tcp_port_ = line.port;
        break;
      case BootstrapLine::Kind::kNote:
        if (notes_.size() < kMaxNotes) notes_.push_back(std::move(line.text));
        break;
    }
    partial_.clear();
  }
  return shown;
}

std::string ConnectLineScanner::Finish() {
  std::string rest;
  rest.swap(partial_);
  if (!done() && !rest.empty()) {
    BootstrapLine line = ClassifyBootstrapLine(rest);
    if (line.kind == BootstrapLine::Kind::kConnect) {
      connect_ = line.connect;
      crypto::WipeString(&rest);
      return "";
    }
  }
  return rest;
}

}  // namespace roam::bootstrap
