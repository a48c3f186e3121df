// The bootstrap handshake line: `MOSH CONNECT <port> <key>`.
//
// The server prints it on stdout once its UDP socket is bound; the `roam`
// command reads ssh's merged stdout/stderr and picks it out. The printing side
// is FormatConnectLine. The reading side is ConnectLineScanner: it takes ssh's
// output in arbitrary chunks, splits it into lines, consumes the lines meant
// for it (`MOSH CONNECT ...`, `MOSH IP <addr>`, `MOSH SSH_CONNECTION ...`) and
// hands every other line back to be shown to the user. It tolerates CR
// characters (ssh -tt turns "\n" into "\r\n", and the server's preamble shows
// up as "\r\r\n\r\n") and blank lines.

#ifndef ROAM_BOOTSTRAP_CONNECT_LINE_H_
#define ROAM_BOOTSTRAP_CONNECT_LINE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace roam::bootstrap {

// The key text is 22 characters of standard base64 (the 16-byte key without
// its "==" padding).
inline constexpr size_t kConnectKeyLength = 22;

// Returns the bytes the server writes to stdout: when `stdin_is_tty`, first
// "\r\n" and then "\n" (so typeahead echoed by the tty cannot share a line
// with the CONNECT line), then "MOSH CONNECT <port> <key>\n".
// REQUIRES: key.size() == kConnectKeyLength.
std::string FormatConnectLine(uint16_t port, std::string_view key, bool stdin_is_tty);

// The key text is a secret: every ConnectInfo wipes its copy when it is
// destroyed (crypto/secret_hygiene.h).
struct ConnectInfo {
  ConnectInfo() = default;
  ConnectInfo(uint16_t p, std::string k) : port(p), key(std::move(k)) {}
  ConnectInfo(const ConnectInfo&) = default;
  ConnectInfo(ConnectInfo&&) = default;
  ConnectInfo& operator=(const ConnectInfo&) = default;
  ConnectInfo& operator=(ConnectInfo&&) = default;
  ~ConnectInfo();

  uint16_t port = 0;
  std::string key;
  friend bool operator==(const ConnectInfo&, const ConnectInfo&) = default;
};

// What one line of bootstrap output is.
struct BootstrapLine {
  enum class Kind {
    kOther,          // show it to the user
    kConnect,        // MOSH CONNECT <port> <key>; `connect` is set
    kIp,             // MOSH IP <addr>; `text` is the address
    kSshConnection,  // MOSH SSH_CONNECTION <value>; `text` is the value
    kTcpPort,        // ROAM TCP <port> (roam-server --tcp); `port` is set
    kNote,           // ROAM NOTE <text>: for the user in every mode; `text` is set
  };
  Kind kind = Kind::kOther;
  ConnectInfo connect;
  std::string text;
  uint16_t port = 0;
};

// Classifies one line (without its "\n"; CRs anywhere at its ends are
// ignored). A CONNECT line needs a decimal port 1-65535 and a key of exactly
// 22 characters from [A-Za-z0-9/+], followed only by whitespace.
BootstrapLine ClassifyBootstrapLine(std::string_view line);

class ConnectLineScanner {
 public:
  ConnectLineScanner() = default;
  // Wipes the held CONNECT line (the key) and any partial line.
  ~ConnectLineScanner();
  ConnectLineScanner(const ConnectLineScanner&) = delete;
  ConnectLineScanner& operator=(const ConnectLineScanner&) = delete;

  // Lines longer than this are passed through in pieces without being
  // classified, so a peer cannot make the scanner buffer without bound.
  static constexpr size_t kMaxLineBytes = 64 * 1024;

  // Consumes `bytes` and returns the text to show to the user: every complete
  // line that is not one of ours, with its line ending. After the CONNECT
  // line has been seen (done()), all further bytes are returned unchanged.
  std::string Feed(std::string_view bytes);
  // At end of input: returns the unfinished last line, if any.
  std::string Finish();

  bool done() const { return connect_.has_value(); }
  const std::optional<ConnectInfo>& connect() const { return connect_; }
  // From the last `MOSH IP` line, if any.
  const std::optional<std::string>& ip() const { return ip_; }
  // From the last `MOSH SSH_CONNECTION` line: its third field (the server's
  // own IP), if present.
  const std::optional<std::string>& ssh_connection_ip() const { return ssh_connection_ip_; }
  // From a `ROAM TCP <port>` line before the CONNECT line, if any.
  const std::optional<uint16_t>& tcp_port() const { return tcp_port_; }
  // The text of each `ROAM NOTE` line before the CONNECT line (at most
  // kMaxNotes), in order.
  const std::vector<std::string>& notes() const { return notes_; }
  static constexpr size_t kMaxNotes = 16;

 private:
  std::string partial_;
  std::optional<ConnectInfo> connect_;
  std::optional<std::string> ip_;
  std::optional<std::string> ssh_connection_ip_;
  std::optional<uint16_t> tcp_port_;
  std::vector<std::string> notes_;
};

}  // namespace roam::bootstrap

#endif  // ROAM_BOOTSTRAP_CONNECT_LINE_H_
