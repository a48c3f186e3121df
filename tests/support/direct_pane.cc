#include "support/direct_pane.h"

namespace roam::testing {

std::unique_ptr<TmuxSession> OpenDirectPane(const std::string& command, int cols, int rows,
                                            const std::vector<std::string>& env,
                                            int history_limit) {
  std::vector<std::string> full_env = {"LANG=C.UTF-8"};
  full_env.insert(full_env.end(), env.begin(), env.end());
  // The braces keep a trailing `&` or `;` in `command` from changing what
  // follows; the sleep keeps the pane (and its last screen) alive.
  return std::make_unique<TmuxSession>("{ " + command + "\n}; exec sleep 3600", cols, rows,
                                       full_env, history_limit);
}

}  // namespace roam::testing
