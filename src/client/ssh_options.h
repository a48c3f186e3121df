// SshOptions: the short options and `-o` settings of ssh(1) that other
// programs hand to their "ssh program" — rsync -e, sftp -S, scp -S,
// GIT_SSH_COMMAND — so that roam can stand in for ssh unchanged.
//
// roam's own single-letter options are Mosh's (-p is the server's UDP port,
// -n and -a choose the prediction mode). A command line is read in ssh's
// sense instead as soon as it carries an option only ssh has (-l, -o, -x,
// -s, -F, -i, -J, -q, -C, -e, -b, -c, -m, -E, -S, -O, -W, -w, -B, -I, -P):
// then -p is ssh's port, -n means "stdin from /dev/null" and -a "no agent
// forwarding". sftp, for example, always passes -o options; scp always -x.
//
// What each option does is one table (SshOptionTable): passed on to the ssh
// that starts the server (identity, config, jump host, port, batch mode,
// host keys), applied to roam (user, tty, agent, subsystem, forwards, and
// ControlMaster, ControlPath and -S for roam's own control socket),
// ignored because roam already behaves so (-x, ForwardX11 no, ...), or
// refused with one line when it would change what the user trusts (X11
// forwarding, LocalCommand, tunnels). An -o key roam does not know is
// ignored, with a note under -v.

#ifndef ROAM_CLIENT_SSH_OPTIONS_H_
#define ROAM_CLIENT_SSH_OPTIONS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace roam::client {

// Whether `letter` is one of ssh's options that take an argument.
bool SshOptionTakesArgument(char letter);
// Whether `args` (everything before the host) uses an option only ssh has.
bool LooksLikeSshCommandLine(const std::vector<std::string>& args);

// What an ssh option asks of roam, once parsed.
struct SshOptionEffects {
  std::vector<std::string> ssh_args;  // for the bootstrap ssh, in order
  std::string user;                   // -l, -o User
  bool no_tty = false;                // -T, RequestTTY no
  bool force_tty = false;             // -t, RequestTTY yes|force
  bool stdin_null = false;            // -n
  bool subsystem = false;             // -s
  int agent = -1;                     // -A: 1, -a / ForwardAgent no: 0, -1 untouched
  bool no_command = false;            // -N
  // roam's control socket (client/control_socket.h): -o ControlMaster
  // (1 yes/auto, 0 no, -1 untouched), -S / -o ControlPath (a path or none).
  int control_master = -1;
  std::optional<std::string> control_path;
  std::vector<std::string> notes;  // ignored options, for -v
};

// Applies the short option `letter` (with `value` when it takes one) read
// in ssh's sense. Errors: kInvalidArgument, one line, for options roam
// refuses or does not know.
Status ApplySshOption(char letter, const std::string& value, SshOptionEffects* out);
// Applies one `-o` setting ("Key=Value", "Key Value"; the key is not case
// sensitive).
Status ApplySshConfigOption(std::string_view setting, SshOptionEffects* out);

}  // namespace roam::client

#endif  // ROAM_CLIENT_SSH_OPTIONS_H_
