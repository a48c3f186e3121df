#include "client/server_install.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "base/unique_fd.h"
#include "client/roam_options.h"
#include "client/shell_words.h"

extern char** environ;

namespace roam::client {

namespace {

constexpr std::string_view kReplyPrefix = "ROAM INSTALL ";
constexpr size_t kMaxDetail = 64;
// A remote that prints without a newline cannot grow roam's memory: a line
// longer than this is shown and forgotten.
constexpr size_t kMaxLine = 4096;
constexpr size_t kChunk = 64 * 1024;

// The remote script (see the header). $1 is the hash, $2 the machine.
// One line; no single quote, no `!`.
constexpr std::string_view kScript =
    "d=\"$HOME/.local/bin\"; b=\"$d/roam-server\"; "
    "m=$(uname -m); if [ \"$m\" = \"$2\" ]; then :; else echo \"ROAM INSTALL arch $m\"; exit 0; "
    "fi; "
    "if command -v sha256sum >/dev/null 2>&1; then s=sha256sum; "
    "elif command -v shasum >/dev/null 2>&1; then s=\"shasum -a 256\"; "
    "else echo \"ROAM INSTALL nohash\"; exit 0; fi; "
    "if [ -f \"$b\" ]; then "
    "if [ \"$($s < \"$b\" | cut -c1-64)\" = \"$1\" ]; then echo \"ROAM INSTALL have\"; exit 0; fi; "
    "echo \"ROAM INSTALL send replace\"; "
    "else for p in roam-server mosh-server; do if command -v $p >/dev/null 2>&1; then "
    "echo \"ROAM INSTALL present $p\"; exit 0; fi; done; "
    "echo \"ROAM INSTALL send new\"; fi; "
    "mkdir -p \"$d\" || exit 1; t=\"$d/.roam-server.$$\"; cat > \"$t\"; "
    "c=$($s < \"$t\" | cut -c1-64); "
    "if [ \"$c\" = \"$1\" ] && chmod 755 \"$t\" && mv -f \"$t\" \"$b\"; then "
    "echo \"ROAM INSTALL installed\"; exit 0; fi; "
    "rm -f \"$t\"; echo \"ROAM INSTALL bad $c\"; exit 1";

bool PrintableDetail(std::string_view s) {
  if (s.empty() || s.size() > kMaxDetail) return false;
  for (char c : s) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

std::string MachineName() {
  utsname u{};
  if (uname(&u) != 0) return "";
  return u.machine;
}

std::string Hex(const unsigned char* bytes, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 0xf];
  }
  return out;
}

// ssh and its pipes: stdin ours to write, stdout ours to read.
struct Child {
  pid_t pid = -1;
  UniqueFd in;
  UniqueFd out;
};

Result<Child> Spawn(const std::vector<std::string>& argv) {
  int in[2];
  int out[2];
  if (pipe2(in, O_CLOEXEC) != 0) return IoError(std::string("pipe: ") + strerror(errno));
  if (pipe2(out, O_CLOEXEC) != 0) {
    close(in[0]);
    close(in[1]);
    return IoError(std::string("pipe: ") + strerror(errno));
  }
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) return IoError(std::string("fork: ") + strerror(errno));
  if (pid == 0) {
    dup2(in[0], STDIN_FILENO);
    dup2(out[1], STDOUT_FILENO);
    signal(SIGPIPE, SIG_DFL);
    execvp(args[0], args.data());
    std::fprintf(stderr, "roam: cannot run %s: %s\n", args[0], strerror(errno));
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  Child child;
  child.pid = pid;
  child.in = UniqueFd(in[1]);
  child.out = UniqueFd(out[0]);
  fcntl(child.in.get(), F_SETFL, fcntl(child.in.get(), F_GETFL) | O_NONBLOCK);
  return child;
}

int Reap(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

std::vector<std::string> StaticServerCandidates(std::string_view self_dir) {
  std::string dir(self_dir);
  if (!dir.empty() && dir.back() != '/') dir += '/';
  return {dir + "roam-server-static", dir + "../libexec/roam/roam-server-static"};
}

Result<std::string> Sha256OfFile(const std::string& path) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return IoError("cannot read " + path + ": " + strerror(errno));
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) {
    return IoError("SHA-256 is not available");
  }
  std::vector<char> buf(kChunk);
  for (;;) {
    ssize_t n = read(fd.get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoError("cannot read " + path + ": " + strerror(errno));
    if (n == 0) break;
    EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<size_t>(n));
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx.get(), digest.data(), &len) != 1) return IoError("SHA-256 failed");
  return Hex(digest.data(), len);
}

Result<StaticServer> FindStaticServer(std::string_view self_dir) {
  std::string looked;
  for (const std::string& path : StaticServerCandidates(self_dir)) {
    struct stat st {};
    if (stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
      looked += (looked.empty() ? "" : ", ") + path;
      continue;
    }
    Result<std::string> hash = Sha256OfFile(path);
    if (!hash.ok()) return hash.status();
    StaticServer server;
    server.path = path;
    server.sha256 = *hash;
    server.size = static_cast<uint64_t>(st.st_size);
    server.machine = MachineName();
    return server;
  }
  return Status(StatusCode::kUnavailable,
                "this roam carries no self-contained roam-server (looked for " + looked + ")");
}

std::string InstallRemoteCommand(const StaticServer& server) {
  return "sh -c " + ShellQuote(kScript) + " roam-install " + ShellQuote(server.sha256) + " " +
         ShellQuote(server.machine);
}

std::optional<InstallReply> ParseInstallReply(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.substr(0, kReplyPrefix.size()) != kReplyPrefix) return std::nullopt;
  line.remove_prefix(kReplyPrefix.size());
  const size_t space = line.find(' ');
  const std::string_view word = line.substr(0, space);
  const std::string_view detail =
      space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
  using Kind = InstallReply::Kind;
  struct Row {
    std::string_view word;
    Kind kind;
    bool has_detail;
  };
  static constexpr std::array<Row, 6> kWords = {{
      {"have", Kind::kHave, false},
      {"present", Kind::kPresent, true},
      {"arch", Kind::kArch, true},
      {"nohash", Kind::kNoHash, false},
      {"installed", Kind::kInstalled, false},
      {"bad", Kind::kBad, true},
  }};
  InstallReply reply;
  if (word == "send") {
    if (detail == "new") {
      reply.kind = Kind::kSendNew;
    } else if (detail == "replace") {
      reply.kind = Kind::kSendReplace;
    } else {
      return std::nullopt;
    }
    return reply;
  }
  for (const Row& row : kWords) {
    if (row.word != word) continue;
    if (row.has_detail != (space != std::string_view::npos)) return std::nullopt;
    if (row.has_detail && !PrintableDetail(detail)) return std::nullopt;
    reply.kind = row.kind;
    reply.detail = std::string(detail);
    return reply;
  }
  return std::nullopt;
}

Result<InstallOutcome> InstallServer(const std::vector<std::string>& ssh_argv,
                                     const std::string& destination, const StaticServer& server,
                                     std::chrono::milliseconds timeout,
                                     const std::function<void(const std::string&)>& note,
                                     const ConfirmCopy& confirm) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point deadline = Clock::now() + timeout;
  std::vector<std::string> argv = ssh_argv;
  argv.insert(argv.end(), {"-T", "-S", "none", destination, "--", InstallRemoteCommand(server)});

  // A closed pipe (ssh gone) must be an error from write(), not a signal.
  struct sigaction ignore {};
  struct sigaction previous {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &previous);
  struct RestorePipe {
    struct sigaction* previous;
    ~RestorePipe() { sigaction(SIGPIPE, previous, nullptr); }
  } restore{&previous};

  Result<Child> spawned = Spawn(argv);
  if (!spawned.ok()) return spawned.status();
  Child child = std::move(*spawned);

  InstallOutcome outcome;
  std::optional<InstallReply> last;
  UniqueFd binary;
  std::vector<char> pending;  // read from the binary, not yet written
  size_t pending_at = 0;
  bool binary_done = false;
  std::string line;
  bool timed_out = false;

  while (child.out.valid()) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    if (binary.valid() && pending_at == pending.size() && !binary_done) {
      pending.resize(kChunk);
      ssize_t n = read(binary.get(), pending.data(), pending.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        binary_done = true;
        child.in.Reset();  // EOF: the remote `cat` ends
        pending.clear();
      } else {
        pending.resize(static_cast<size_t>(n));
      }
      pending_at = 0;
    }
    std::array<pollfd, 2> fds{};
    fds[0] = {child.out.get(), POLLIN, 0};
    nfds_t count = 1;
    if (child.in.valid() && binary.valid() && pending_at < pending.size()) {
      fds[1] = {child.in.get(), POLLOUT, 0};
      count = 2;
    }
    int r = poll(fds.data(), count, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) break;
    if (count == 2 && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t n = write(child.in.get(), pending.data() + pending_at, pending.size() - pending_at);
      if (n > 0) {
        pending_at += static_cast<size_t>(n);
      } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
        child.in.Reset();  // the remote stopped reading; its reply says why
        binary.Reset();
      }
    }
    if (!(fds[0].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    char buf[4096];
    ssize_t n = read(child.out.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      child.out.Reset();
      break;
    }
    for (ssize_t i = 0; i < n; ++i) {
      if (buf[i] != '\n') {
        if (line.size() < kMaxLine) line += buf[i];
        continue;
      }
      const std::optional<InstallReply> reply = ParseInstallReply(line);
      if (!reply) std::fprintf(stderr, "%s\n", line.c_str());  // the remote's own output
      line.clear();
      if (!reply) continue;
      last = reply;
      const bool send = reply->kind == InstallReply::Kind::kSendNew ||
                        reply->kind == InstallReply::Kind::kSendReplace;
      // The binary goes at most once, even to a remote that asks twice.
      if (!send || outcome.copied || outcome.declined) {
        if (!send && !binary.valid()) child.in.Reset();  // nothing to send
        continue;
      }
      if (confirm && !confirm(*reply)) {
        outcome.declined = true;
        child.in.Reset();  // nothing comes: the remote removes its empty file
        continue;
      }
      outcome.replaced = reply->kind == InstallReply::Kind::kSendReplace;
      const std::string size = std::to_string(server.size) + " bytes";
      note(outcome.replaced ? "replacing " + std::string(kInstalledServerDisplay) + " on " +
                                  destination + ", whose SHA-256 differs (" + size + ")"
                            : "copying roam-server (" + size + ") to " +
                                  std::string(kInstalledServerDisplay) + " on " + destination);
      binary = UniqueFd(open(server.path.c_str(), O_RDONLY | O_CLOEXEC));
      if (!binary.valid()) child.in.Reset();  // the hash check over there fails
      outcome.copied = true;
    }
  }
  if (timed_out) kill(child.pid, SIGTERM);
  child.in.Reset();
  child.out.Reset();
  const int status = Reap(child.pid);
  if (timed_out) {
    return IoError("roam: installing roam-server on " + destination + " took longer than " +
                   std::to_string(timeout.count() / 1000) + " s");
  }
  const std::string where = " on " + destination;
  if (outcome.declined) return outcome;
  if (!last) {
    if (status == 255) {
      return IoError("roam: ssh could not connect to " + destination + " to install roam-server");
    }
    return IoError("roam: no answer from the install script" + where + " (ssh exit status " +
                   std::to_string(status) + ")");
  }
  switch (last->kind) {
    case InstallReply::Kind::kHave:
    case InstallReply::Kind::kInstalled:
      outcome.server = std::string(kInstalledServerCommand);
      return outcome;
    case InstallReply::Kind::kPresent:
      return outcome;
    case InstallReply::Kind::kArch:
      return IoError("roam: " + destination + " is a " + last->detail +
                     " machine; this roam's roam-server is built for " + server.machine);
    case InstallReply::Kind::kNoHash:
      return IoError("roam: " + destination +
                     " has neither sha256sum nor shasum to check roam-server with");
    case InstallReply::Kind::kSendNew:
    case InstallReply::Kind::kSendReplace:
      return IoError("roam: the copy of roam-server" + where + " did not finish (ssh exit status " +
                     std::to_string(status) + ")");
    case InstallReply::Kind::kBad:
      break;
  }
  return IoError("roam: roam-server arrived" + where + " with SHA-256 " + last->detail + ", not " +
                 server.sha256 + "; nothing was installed");
}

namespace {

// The directory of a program path ("." if it has none).
std::string DirOf(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? "." : std::string(path.substr(0, slash));
}

// How long one install may take in all: copying 7 MB over a slow link.
constexpr std::chrono::minutes kInstallTimeout(10);

}  // namespace

Result<std::optional<std::string>> InstallServerFor(const RoamOptions& options,
                                                    std::string_view self_path,
                                                    const ConfirmCopy& confirm) {
  Result<StaticServer> server = FindStaticServer(DirOf(self_path));
  if (!server.ok()) return Status(server.status().code(), "roam: " + server.status().message());
  Result<InstallOutcome> outcome = InstallServer(
      options.ssh, options.destination, *server, kInstallTimeout,
      [](const std::string& line) { std::fprintf(stderr, "roam: %s\n", line.c_str()); }, confirm);
  if (!outcome.ok()) return outcome.status();
  if (options.verbose > 0) {
    const char* what = outcome->declined  ? "no copy of roam-server was made"
                       : !outcome->server ? "the host has its own server: nothing copied"
                       : outcome->copied  ? "roam-server installed, its SHA-256 checked"
                                          : "roam-server found in ~/.local/bin with the right "
                                            "SHA-256: nothing copied";
    std::fprintf(stderr, "roam: %s\n", what);
  }
  return outcome->server;
}

bool AskToCopyServer(std::string_view host, uint64_t size, const InstallReply& reply) {
  UniqueFd tty(open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY));
  if (!tty.valid()) return false;
  const std::string what =
      reply.kind == InstallReply::Kind::kSendReplace
          ? " has a " + std::string(kInstalledServerDisplay) +
                " whose SHA-256 is not roam's. Replace"
          : " has neither roam-server nor mosh-server. Copy roam's self-contained roam-server to " +
                std::string(kInstalledServerDisplay) + " there";
  const std::string question = "roam: " + std::string(host) + what + " (" +
                               std::to_string((size + 512 * 1024) / (1024 * 1024)) +
                               " MiB) and start it? [y/N] ";
  if (write(tty.get(), question.data(), question.size()) < 0) return false;
  char answer[64];
  ssize_t n = read(tty.get(), answer, sizeof answer);
  return n > 0 && (answer[0] == 'y' || answer[0] == 'Y');
}

}  // namespace roam::client
