// Both client programs read the same environment variables through
// ApplyClientEnvironment.

#include "client/client_environment.h"

#include <map>

#include <gtest/gtest.h>

namespace roam::client {
namespace {

EnvironmentLookup From(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(ClientEnvironmentTest, AnEmptyEnvironmentKeepsTheDefaults) {
  ClientSessionConfig config;
  ApplyClientEnvironment(From({}), &config);
  EXPECT_FALSE(config.predict_overwrite);
  EXPECT_TRUE(config.escape.enabled);
  EXPECT_EQ(config.escape.name, "Ctrl-^");
  EXPECT_EQ(config.title_prefix, "[roam] ");
  EXPECT_FALSE(config.no_term_init);
  EXPECT_TRUE(config.clipboard_writes);
  EXPECT_EQ(config.term, "");
}

TEST(ClientEnvironmentTest, EachVariableSetsItsSetting) {
  ClientSessionConfig config;
  ApplyClientEnvironment(From({{"MOSH_PREDICTION_OVERWRITE", "yes"},
                               {"MOSH_ESCAPE_KEY", "~"},
                               {"MOSH_TITLE_NOPREFIX", ""},
                               {"MOSH_NO_TERM_INIT", ""},
                               {"ROAM_NO_CLIPBOARD", "1"},
                               {"TERM", "xterm-256color"}}),
                         &config);
  EXPECT_TRUE(config.predict_overwrite);
  EXPECT_EQ(config.escape.key, '~');
  EXPECT_EQ(config.title_prefix, "");
  EXPECT_TRUE(config.no_term_init);
  EXPECT_FALSE(config.clipboard_writes);
  EXPECT_EQ(config.term, "xterm-256color");
}

TEST(ClientEnvironmentTest, OverwriteNeedsExactlyYes) {
  ClientSessionConfig config;
  ApplyClientEnvironment(From({{"MOSH_PREDICTION_OVERWRITE", "YES"}}), &config);
  EXPECT_FALSE(config.predict_overwrite);
}

}  // namespace
}  // namespace roam::client
