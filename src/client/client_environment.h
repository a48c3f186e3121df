// ApplyClientEnvironment: the settings of a terminal session that both
// client programs (roam and roam-client) take from the environment, read in
// one place.
//
//   MOSH_PREDICTION_OVERWRITE=yes  predictions overwrite (predict::ParseOverwriteMode)
//   MOSH_ESCAPE_KEY                the escape key (EscapeKeyConfig::FromEnv)
//   MOSH_TITLE_NOPREFIX            set: no "[roam] " before the window title
//   MOSH_NO_TERM_INIT              set: no alternate screen (smcup/rmcup)
//   ROAM_NO_CLIPBOARD              set: OSC 52 from the server is not passed on
//   TERM                           the terminal type, for terminfo
//
// What only one program reads (roam's options; roam-client's
// MOSH_PREDICTION_DISPLAY and ROAM_SCROLLBACK) stays with that program.

#ifndef ROAM_CLIENT_CLIENT_ENVIRONMENT_H_
#define ROAM_CLIENT_CLIENT_ENVIRONMENT_H_

#include <functional>
#include <optional>
#include <string>

#include "client/client_session.h"

namespace roam::client {

// Looks up an environment variable; nullopt if unset.
using EnvironmentLookup = std::function<std::optional<std::string>(const std::string& name)>;

// Sets predict_overwrite, escape, title_prefix, no_term_init,
// clipboard_writes and term of `config` from `env`.
void ApplyClientEnvironment(const EnvironmentLookup& env, ClientSessionConfig* config);

}  // namespace roam::client

#endif  // ROAM_CLIENT_CLIENT_ENVIRONMENT_H_
