// roam-client: mosh-client's command line, roam's client.
//
//   MOSH_KEY=<22-char key> roam-client [-v] [-# 'ignored text'] <numeric IP> <port>
//   roam-client -c      prints the number of colours of $TERM
//
// Flags and wiring only: the logic lives in src/client.

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "bootstrap/locale.h"
#include "client/client_environment.h"
#include "client/client_session.h"
#include "client/terminal_sequences.h"
#include "crypto/key.h"
#include "crypto/secret_hygiene.h"
#include "net/address.h"
#include "predict/prediction_engine.h"
#include "state/history_state.h"

namespace {

constexpr const char* kProgram = "roam-client";

std::optional<std::string_view> Env(const char* name) {
  const char* v = std::getenv(name);
  if (!v) return std::nullopt;
  return std::string_view(v);
}

std::optional<std::string> EnvString(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

int Usage() {
  std::fprintf(stderr, "Usage: %s [-v] [-# 'ignored text'] IP PORT\n       %s -c\n", kProgram,
               kProgram);
  return 1;
}

bool AllDigits(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

int Main(int argc, char** argv) {
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-c") {
      const char* term = std::getenv("TERM");
      roam::Result<roam::client::TerminalCapabilities> caps =
          roam::client::LoadTerminalCapabilities(term ? term : "");
      std::printf("%d\n", caps.ok() ? caps->colors : 0);
      return 0;
    }
    if (arg == "--version") {
      std::printf("roam-client (roam %s)\n", ROAM_VERSION);
      return 0;
    }
    if (arg == "-v") continue;
    if (arg == "-#") {
      ++i;  // the wrapper's informational text
      continue;
    }
    if (arg.rfind("-#", 0) == 0) continue;
    positional.push_back(arg);
  }
  if (positional.size() != 2 || !AllDigits(positional[1])) return Usage();
  const long port = std::strtol(positional[1].c_str(), nullptr, 10);
  if (port < 1 || port > 65535) return Usage();

  const char* key_env = std::getenv("MOSH_KEY");
  if (!key_env) {
    std::fprintf(stderr, "%s: MOSH_KEY environment variable not found.\n", kProgram);
    return 1;
  }
  // From here on this process holds the key: keep its memory private, and
  // leave no copy of the key text in the environment block.
  if (roam::Status s = roam::crypto::MakeNonDumpable(); !s.ok()) {
    std::fprintf(stderr, "%s: %s\n", kProgram, s.message().c_str());
    return 1;
  }
  roam::Result<roam::crypto::Key> key = roam::crypto::Key::FromBase64(key_env);
  roam::crypto::WipeEnvironmentVariable("MOSH_KEY");
  if (!key.ok()) {
    std::fprintf(stderr, "%s: %s\n", kProgram, key.status().message().c_str());
    return 1;
  }

  roam::Result<roam::net::Address> server =
      roam::net::Address::Parse(positional[0], static_cast<uint16_t>(port));
  if (!server.ok()) {
    std::fprintf(stderr, "%s: %s\n", kProgram, server.status().message().c_str());
    return 1;
  }

  roam::client::ClientSessionConfig config;
  config.server = *server;
  config.program = "roam";
  roam::client::ApplyClientEnvironment(EnvString, &config);
  if (auto mode = Env("MOSH_PREDICTION_DISPLAY")) {
    roam::Result<roam::predict::DisplayMode> parsed = roam::predict::ParseDisplayMode(*mode);
    if (!parsed.ok()) {
      std::fprintf(stderr, "%s: %s\n", kProgram, parsed.status().message().c_str());
      return 1;
    }
    config.predict_mode = *parsed;
  }
  if (auto lines = Env(roam::state::kScrollbackEnv)) {
    roam::Result<size_t> n = roam::state::ParseScrollbackLines(*lines);
    if (!n.ok()) {
      std::fprintf(stderr, "%s: %s: %s\n", kProgram, roam::state::kScrollbackEnv,
                   n.status().message().c_str());
      return 1;
    }
    config.scrollback_lines = *n;
  }

  // A UTF-8 locale is needed to talk to the terminal; fall back, don't refuse.
  roam::Result<roam::bootstrap::LocaleChoice> locale = roam::bootstrap::ChooseClientLocale(
      roam::bootstrap::CurrentEnvironment(), roam::bootstrap::ProbeLocale, kProgram);
  if (locale.ok()) {
    if (!locale->warning.empty()) std::fprintf(stderr, "%s\n", locale->warning.c_str());
    (void)roam::bootstrap::ApplyLocaleChoice(*locale);
  }

  roam::client::ClientSession session(std::move(*key), std::move(config));
  return session.Run();
}

}  // namespace

int main(int argc, char** argv) { return Main(argc, argv); }
