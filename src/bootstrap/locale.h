// Choosing a UTF-8 locale for the session, with a fallback instead of a
// refusal.
//
// Mosh's best-known failure is "mosh-server needs a UTF-8 native locale to
// run": the client forwards its LANG/LC_* values, and when the server host
// lacks that locale the session is refused. roam keeps Mosh's order of
// attempts but never refuses while a usable UTF-8 locale exists:
//   1. the server's own environment, if its LC_CTYPE locale is UTF-8;
//   2. otherwise every LANG, LANGUAGE and LC_* variable is cleared and the
//      client's `-l NAME=VALUE` values are applied (if any), then checked;
//   3. otherwise LANG/LC_* are cleared again and LANG=C.UTF-8 is used (Debian
//      always ships C.UTF-8), with one warning line that names the locale
//      that was missing and says how to install it.
// Only when C.UTF-8 is missing too is there an error.
//
// The core is pure (ChooseServerLocale, ChooseClientLocale): it takes the
// environment as a map and a probe that says whether a locale name is
// available and UTF-8, and returns the changes to make. ProbeLocale,
// CurrentEnvironment and ApplyLocaleChoice are the thin OS adapters. The
// client side (roam-client and roam, which need UTF-8 for the user's own
// terminal) uses the same rules without step 2; the app layer calls it.

#ifndef ROAM_BOOTSTRAP_LOCALE_H_
#define ROAM_BOOTSTRAP_LOCALE_H_

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace roam::bootstrap {

using Environment = std::map<std::string, std::string>;

// The locale used when nothing else gives UTF-8.
inline constexpr std::string_view kFallbackLocale = "C.UTF-8";

enum class LocaleAvailability {
  kUtf8,         // the locale exists and its codeset is UTF-8
  kNotUtf8,      // it exists but uses another codeset ("C", "POSIX", ...)
  kUnavailable,  // it is not installed on this host
};
using LocaleProbe = std::function<LocaleAvailability(const std::string& name)>;

// The locale name that decides LC_CTYPE under `env`: the first non-empty of
// LC_ALL, LC_CTYPE, LANG; "C" when none is set.
std::string EffectiveCtypeLocale(const Environment& env);

struct LocaleChoice {
  std::vector<std::string> unset;                        // variables to remove, in order
  std::vector<std::pair<std::string, std::string>> set;  // then these to set
  std::string locale;                                    // the LC_CTYPE locale in effect afterwards
  std::string warning;                                   // one line for stderr, or empty
  bool fell_back = false;                                // kFallbackLocale is used
};

// Server rules (steps 1-3 above). `client_vars` are the -l values
// ("NAME=VALUE"; entries without '=' are ignored). `program` names the
// program in the warning ("roam-server").
// Errors: kUnavailable when even kFallbackLocale is not usable; the message
// says so and the caller exits 1.
Result<LocaleChoice> ChooseServerLocale(const Environment& env,
                                        const std::vector<std::string>& client_vars,
                                        const LocaleProbe& probe, std::string_view program);

// Client rules: the environment as it is if UTF-8, else the fallback with a
// warning. Errors as for ChooseServerLocale.
Result<LocaleChoice> ChooseClientLocale(const Environment& env, const LocaleProbe& probe,
                                        std::string_view program);

// Asks the C library whether `name` is an installed locale and whether its
// codeset is UTF-8. Does not change the process's locale.
LocaleAvailability ProbeLocale(const std::string& name);

// A copy of the process environment.
Environment CurrentEnvironment();

// Applies `choice` to the process environment (unsetenv/setenv), then calls
// setlocale(LC_ALL, ""). Errors: IoError if setlocale fails afterwards.
Status ApplyLocaleChoice(const LocaleChoice& choice);

}  // namespace roam::bootstrap

#endif  // ROAM_BOOTSTRAP_LOCALE_H_
