#include "bootstrap/locale.h"

#include <gtest/gtest.h>

#include <set>

namespace roam::bootstrap {
namespace {

using Vars = std::vector<std::string>;

// A host with C, POSIX, C.UTF-8 and de_DE.ISO-8859-1 installed.
LocaleAvailability DebianMinimal(const std::string& name) {
  if (name == "C.UTF-8") return LocaleAvailability::kUtf8;
  if (name == "C" || name == "POSIX" || name == "de_DE.ISO-8859-1") {
    return LocaleAvailability::kNotUtf8;
  }
  return LocaleAvailability::kUnavailable;
}

LocaleAvailability WithEnUs(const std::string& name) {
  if (name == "en_US.UTF-8") return LocaleAvailability::kUtf8;
  return DebianMinimal(name);
}

LocaleAvailability NothingUtf8(const std::string& name) {
  return name == "C" ? LocaleAvailability::kNotUtf8 : LocaleAvailability::kUnavailable;
}

TEST(LocaleTest, EffectiveCtypeLocalePrecedence) {
  EXPECT_EQ(EffectiveCtypeLocale({}), "C");
  EXPECT_EQ(EffectiveCtypeLocale({{"LANG", "a"}}), "a");
  EXPECT_EQ(EffectiveCtypeLocale({{"LANG", "a"}, {"LC_CTYPE", "b"}}), "b");
  EXPECT_EQ(EffectiveCtypeLocale({{"LANG", "a"}, {"LC_CTYPE", "b"}, {"LC_ALL", "c"}}), "c");
  EXPECT_EQ(EffectiveCtypeLocale({{"LANG", "a"}, {"LC_ALL", ""}}), "a");
  EXPECT_EQ(EffectiveCtypeLocale({{"LANGUAGE", "fr"}, {"LC_TIME", "x"}}), "C");
}

TEST(LocaleTest, ServerAlreadyUtf8ChangesNothing) {
  Result<LocaleChoice> r =
      ChooseServerLocale({{"LANG", "C.UTF-8"}}, {"LANG=en_US.UTF-8"}, DebianMinimal, "roam-server");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->unset.empty());
  EXPECT_TRUE(r->set.empty());
  EXPECT_EQ(r->locale, "C.UTF-8");
  EXPECT_TRUE(r->warning.empty());
  EXPECT_FALSE(r->fell_back);
}

TEST(LocaleTest, ServerAppliesClientValuesAfterClearingItsOwn) {
  Environment env{{"LANG", "C"}, {"LC_TIME", "C"}, {"LANGUAGE", "de"}, {"HOME", "/h"}};
  Result<LocaleChoice> r = ChooseServerLocale(env, {"LANG=en_US.UTF-8", "LC_CTYPE=en_US.UTF-8"},
                                              WithEnUs, "roam-server");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(std::set<std::string>(r->unset.begin(), r->unset.end()),
            (std::set<std::string>{"LANG", "LC_TIME", "LANGUAGE"}));
  ASSERT_EQ(r->set.size(), 2u);
  EXPECT_EQ(r->set[0], (std::pair<std::string, std::string>{"LANG", "en_US.UTF-8"}));
  EXPECT_EQ(r->set[1], (std::pair<std::string, std::string>{"LC_CTYPE", "en_US.UTF-8"}));
  EXPECT_EQ(r->locale, "en_US.UTF-8");
  EXPECT_TRUE(r->warning.empty());
}

TEST(LocaleTest, ServerFallsBackWhenClientLocaleMissing) {
  Result<LocaleChoice> r =
      ChooseServerLocale({{"LANG", "C"}}, {"LANG=en_US.UTF-8"}, DebianMinimal, "roam-server");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->fell_back);
  EXPECT_EQ(r->unset, (Vars{"LANG"}));
  ASSERT_EQ(r->set.size(), 1u);
  EXPECT_EQ(r->set[0], (std::pair<std::string, std::string>{"LANG", "C.UTF-8"}));
  EXPECT_EQ(r->locale, "C.UTF-8");
  EXPECT_EQ(r->warning,
            "roam-server: locale \"en_US.UTF-8\" is not available on this host; using C.UTF-8 "
            "(install it with: locale-gen / dpkg-reconfigure locales)");
}

TEST(LocaleTest, ServerFallsBackWhenClientLocaleIsNotUtf8) {
  Result<LocaleChoice> r =
      ChooseServerLocale({}, {"LC_ALL=de_DE.ISO-8859-1"}, DebianMinimal, "roam-server");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->fell_back);
  EXPECT_EQ(r->warning, "roam-server: locale \"de_DE.ISO-8859-1\" is not UTF-8; using C.UTF-8");
}

TEST(LocaleTest, ServerWithoutClientValuesFallsBackFromItsOwn) {
  Result<LocaleChoice> r = ChooseServerLocale({{"LC_ALL", "POSIX"}}, {}, DebianMinimal, "srv");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->fell_back);
  EXPECT_EQ(r->unset, (Vars{"LC_ALL"}));
  EXPECT_EQ(r->warning, "srv: locale \"POSIX\" is not UTF-8; using C.UTF-8");
}

TEST(LocaleTest, ServerErrorWhenEvenFallbackMissing) {
  Result<LocaleChoice> r = ChooseServerLocale({}, {"LANG=en_US.UTF-8"}, NothingUtf8, "srv");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("en_US.UTF-8"), std::string::npos);
  EXPECT_NE(r.status().message().find("C.UTF-8"), std::string::npos);
}

TEST(LocaleTest, ClientRules) {
  Result<LocaleChoice> ok = ChooseClientLocale({{"LANG", "C.UTF-8"}}, DebianMinimal, "roam");
  ASSERT_TRUE(ok.ok());
  EXPECT_FALSE(ok->fell_back);
  EXPECT_TRUE(ok->set.empty());

  Result<LocaleChoice> fb = ChooseClientLocale({{"LANG", "fr_FR.UTF-8"}}, DebianMinimal, "roam");
  ASSERT_TRUE(fb.ok());
  EXPECT_TRUE(fb->fell_back);
  EXPECT_EQ(fb->unset, (Vars{"LANG"}));
  EXPECT_EQ(fb->warning,
            "roam: locale \"fr_FR.UTF-8\" is not available on this host; using C.UTF-8 (install "
            "it with: locale-gen / dpkg-reconfigure locales)");

  EXPECT_FALSE(ChooseClientLocale({}, NothingUtf8, "roam").ok());
}

TEST(LocaleTest, ProbeRealLocales) {
  EXPECT_EQ(ProbeLocale("C.UTF-8"), LocaleAvailability::kUtf8);
  EXPECT_EQ(ProbeLocale("C"), LocaleAvailability::kNotUtf8);
  EXPECT_EQ(ProbeLocale("xx_NOWHERE.UTF-8"), LocaleAvailability::kUnavailable);
}

TEST(LocaleTest, CurrentEnvironmentSeesVariables) {
  setenv("ROAM_LOCALE_TEST_VAR", "a=b", 1);
  Environment env = CurrentEnvironment();
  EXPECT_EQ(env["ROAM_LOCALE_TEST_VAR"], "a=b");
  unsetenv("ROAM_LOCALE_TEST_VAR");
}

}  // namespace
}  // namespace roam::bootstrap
