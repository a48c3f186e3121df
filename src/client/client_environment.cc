#include "client/client_environment.h"

#include <string_view>

#include "client/terminal_sequences.h"

namespace roam::client {

void ApplyClientEnvironment(const EnvironmentLookup& env, ClientSessionConfig* config) {
  if (std::optional<std::string> o = env("MOSH_PREDICTION_OVERWRITE")) {
    config->predict_overwrite = predict::ParseOverwriteMode(*o);
  }
  const std::optional<std::string> escape = env("MOSH_ESCAPE_KEY");
  config->escape =
      EscapeKeyConfig::FromEnv(escape ? std::optional<std::string_view>(*escape) : std::nullopt);
  const std::optional<std::string> nopref = env("MOSH_TITLE_NOPREFIX");
  config->title_prefix =
      TitlePrefix(nopref ? std::optional<std::string_view>(*nopref) : std::nullopt);
  config->no_term_init = env("MOSH_NO_TERM_INIT").has_value();
  config->clipboard_writes = !env("ROAM_NO_CLIPBOARD").has_value();
  config->term = env("TERM").value_or("");
}

}  // namespace roam::client
