#include "client/ssh_options.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace roam::client {

namespace {

constexpr std::string_view kArgumentLetters = "bceilmopBDEFIJLOPRSwW";
constexpr std::string_view kSshOnlyLetters = "loxsFiJqCebcmESOWwBIP";

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool IsYes(const std::string& v) { return v == "yes" || v == "true" || v == "force"; }

// How roam treats an -o key.
enum class Action {
  kPass,           // give it to the bootstrap ssh
  kIgnore,         // roam already behaves so (or it only concerns ssh sessions)
  kUser,           // User
  kRequestTty,     // RequestTTY
  kAgent,          // ForwardAgent
  kControlMaster,  // roam's own control socket (client/control_socket.h)
  kControlPath,
  kRefuseYes,  // refused when set to yes
  kRefuse,     // refused whatever the value
};

struct ConfigRow {
  std::string_view key;  // lower case
  Action action;
};

// The one table of -o keys (lower case). Keys not listed are ignored with a
// note under -v.
constexpr std::array<ConfigRow, 38> kConfigTable = {{
    {"port", Action::kPass},
    {"identityfile", Action::kPass},
    {"identitiesonly", Action::kPass},
    {"identityagent", Action::kPass},
    {"certificatefile", Action::kPass},
    {"batchmode", Action::kPass},
    {"connecttimeout", Action::kPass},
    {"connectionattempts", Action::kPass},
    {"stricthostkeychecking", Action::kPass},
    {"userknownhostsfile", Action::kPass},
    {"globalknownhostsfile", Action::kPass},
    {"hostkeyalias", Action::kPass},
    {"hostname", Action::kPass},
    {"proxyjump", Action::kPass},
    {"proxycommand", Action::kPass},
    {"preferredauthentications", Action::kPass},
    {"pubkeyauthentication", Action::kPass},
    {"passwordauthentication", Action::kPass},
    {"kbdinteractiveauthentication", Action::kPass},
    {"loglevel", Action::kPass},
    {"addressfamily", Action::kPass},
    {"serveraliveinterval", Action::kPass},
    {"serveralivecountmax", Action::kPass},
    {"user", Action::kUser},
    {"requesttty", Action::kRequestTty},
    {"forwardagent", Action::kAgent},
    {"forwardx11", Action::kRefuseYes},
    {"forwardx11trusted", Action::kRefuseYes},
    {"permitlocalcommand", Action::kRefuseYes},
    {"gatewayports", Action::kRefuseYes},
    {"localcommand", Action::kRefuse},
    {"tunnel", Action::kRefuse},
    {"tunneldevice", Action::kRefuse},
    {"clearallforwardings", Action::kIgnore},
    {"remotecommand", Action::kIgnore},
    {"controlmaster", Action::kControlMaster},
    {"controlpath", Action::kControlPath},
    {"controlpersist", Action::kIgnore},
}};

}  // namespace

bool SshOptionTakesArgument(char letter) {
  return kArgumentLetters.find(letter) != std::string_view::npos;
}

bool LooksLikeSshCommandLine(const std::vector<std::string>& args) {
  for (const std::string& a : args) {
    if (a == "--") break;
    if (a.size() < 2 || a[0] != '-' || a[1] == '-') continue;
    if (kSshOnlyLetters.find(a[1]) != std::string_view::npos) return true;
  }
  return false;
}

Status ApplySshConfigOption(std::string_view setting, SshOptionEffects* out) {
  // "Key=Value" or "Key Value" (sftp passes "-oForwardX11 no" as one word).
  const size_t sep = setting.find_first_of("= \t");
  if (sep == std::string_view::npos || sep == 0) {
    return InvalidArgument("bad -o setting \"" + std::string(setting) + "\"");
  }
  const std::string key = Lower(setting.substr(0, sep));
  std::string_view raw_value = setting.substr(sep + 1);
  while (!raw_value.empty() && (raw_value[0] == ' ' || raw_value[0] == '=')) {
    raw_value.remove_prefix(1);
  }
  const std::string value = Lower(raw_value);
  const auto row = std::find_if(kConfigTable.begin(), kConfigTable.end(),
                                [&](const ConfigRow& r) { return r.key == key; });
  if (row == kConfigTable.end()) {
    out->notes.push_back("ignoring ssh option " + std::string(setting));
    return Status::Ok();
  }
  switch (row->action) {
    case Action::kPass:
      out->ssh_args.push_back("-o");
      out->ssh_args.push_back(std::string(setting.substr(0, sep)) + "=" + std::string(raw_value));
      break;
    case Action::kIgnore:
      out->notes.push_back("ignoring ssh option " + std::string(setting));
      break;
    case Action::kUser:
      out->user = std::string(raw_value);
      break;
    case Action::kRequestTty:
      if (value == "no") {
        out->no_tty = true;
      } else if (IsYes(value)) {
        out->force_tty = true;
      }
      break;
    case Action::kAgent:
      out->agent = IsYes(value) ? 1 : 0;
      break;
    case Action::kControlMaster:
      // yes, auto, ask, autoask: this session may serve others; no: it
      // may use one but serves none.
      out->control_master = value == "no" ? 0 : 1;
      break;
    case Action::kControlPath:
      out->control_path = std::string(raw_value);
      break;
    case Action::kRefuseYes:
      if (IsYes(value)) {
        return InvalidArgument("roam does not support the ssh option " + std::string(setting));
      }
      break;
    case Action::kRefuse:
      return InvalidArgument("roam does not support the ssh option " + std::string(setting));
  }
  return Status::Ok();
}

Status ApplySshOption(char letter, const std::string& value, SshOptionEffects* out) {
  switch (letter) {
    case 'l':
      out->user = value;
      return Status::Ok();
    case 'o':
      return ApplySshConfigOption(value, out);
    case 'p':
    case 'F':
    case 'i':
    case 'J':
    case 'b':
    case 'c':
    case 'm':
    case 'E':
      out->ssh_args.push_back(std::string("-") + letter);
      out->ssh_args.push_back(value);
      return Status::Ok();
    case 'S':
      out->control_path = value;
      return Status::Ok();
    case 'C':
    case 'x':
    case 'q':
    case 'e':
      out->notes.push_back(std::string("ignoring ssh option -") + letter);
      return Status::Ok();
    case 'T':
      out->no_tty = true;
      return Status::Ok();
    case 't':
      out->force_tty = true;
      return Status::Ok();
    case 'n':
      out->stdin_null = true;
      return Status::Ok();
    case 's':
      out->subsystem = true;
      return Status::Ok();
    case 'a':
      out->agent = 0;
      return Status::Ok();
    case 'A':
      out->agent = 1;
      return Status::Ok();
    case 'N':
      out->no_command = true;
      return Status::Ok();
    case 'X':
    case 'Y':
      return InvalidArgument("roam does not forward X11 (ssh option -" + std::string(1, letter) +
                             ")");
    default:
      return InvalidArgument(std::string("roam does not support the ssh option -") + letter);
  }
}

}  // namespace roam::client
