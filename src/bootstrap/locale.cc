// UTF-8 locale selection with a C.UTF-8 fallback.

#include "bootstrap/locale.h"

#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>

#include <cstring>

extern char** environ;

namespace roam::bootstrap {

namespace {

bool IsLocaleVariable(const std::string& name) {
  return name == "LANG" || name == "LANGUAGE" || name.rfind("LC_", 0) == 0;
}

// Removes every locale variable from `env` and records the names in `choice`.
void ClearLocaleVariables(Environment* env, LocaleChoice* choice) {
  for (auto it = env->begin(); it != env->end();) {
    if (IsLocaleVariable(it->first)) {
      choice->unset.push_back(it->first);
      it = env->erase(it);
    } else {
      ++it;
    }
  }
}

std::string FallbackWarning(std::string_view program, const std::string& missing,
                            LocaleAvailability why) {
  std::string line(program);
  if (why == LocaleAvailability::kUnavailable) {
    line += ": locale \"" + missing + "\" is not available on this host; using ";
    line.append(kFallbackLocale);
    line += " (install it with: locale-gen / dpkg-reconfigure locales)";
  } else {
    line += ": locale \"" + missing + "\" is not UTF-8; using ";
    line.append(kFallbackLocale);
  }
  return line;
}

Result<LocaleChoice> FallBack(Environment env, const LocaleProbe& probe, std::string_view program,
                              const std::string& missing, LocaleAvailability why) {
  std::string fallback(kFallbackLocale);
  if (probe(fallback) != LocaleAvailability::kUtf8) {
    return Status(StatusCode::kUnavailable,
                  std::string(program) + " needs a UTF-8 locale, but neither \"" + missing +
                      "\" nor \"" + fallback + "\" is available on this host");
  }
  LocaleChoice out;
  // Start again from the original variables so nothing set earlier lingers.
  ClearLocaleVariables(&env, &out);
  out.set.emplace_back("LANG", fallback);
  out.locale = fallback;
  out.fell_back = true;
  out.warning = FallbackWarning(program, missing, why);
  return out;
}

}  // namespace

std::string EffectiveCtypeLocale(const Environment& env) {
  for (const char* name : {"LC_ALL", "LC_CTYPE", "LANG"}) {
    auto it = env.find(name);
    if (it != env.end() && !it->second.empty()) return it->second;
  }
  return "C";
}

Result<LocaleChoice> ChooseServerLocale(const Environment& env,
                                        const std::vector<std::string>& client_vars,
                                        const LocaleProbe& probe, std::string_view program) {
  LocaleChoice choice;
  std::string own = EffectiveCtypeLocale(env);
  LocaleAvailability own_status = probe(own);
  if (own_status == LocaleAvailability::kUtf8) {
    choice.locale = own;
    return choice;
  }

  Environment trial = env;
  ClearLocaleVariables(&trial, &choice);
  bool any_client_value = false;
  for (const std::string& var : client_vars) {
    size_t eq = var.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    std::string name = var.substr(0, eq);
    std::string value = var.substr(eq + 1);
    trial[name] = value;
    choice.set.emplace_back(name, value);
    any_client_value = true;
  }
  if (!any_client_value) return FallBack(env, probe, program, own, own_status);

  std::string wanted = EffectiveCtypeLocale(trial);
  LocaleAvailability wanted_status = probe(wanted);
  if (wanted_status == LocaleAvailability::kUtf8) {
    choice.locale = wanted;
    return choice;
  }
  return FallBack(env, probe, program, wanted, wanted_status);
}

Result<LocaleChoice> ChooseClientLocale(const Environment& env, const LocaleProbe& probe,
                                        std::string_view program) {
  LocaleChoice choice;
  std::string own = EffectiveCtypeLocale(env);
  LocaleAvailability own_status = probe(own);
  if (own_status == LocaleAvailability::kUtf8) {
    choice.locale = own;
    return choice;
  }
  return FallBack(env, probe, program, own, own_status);
}

LocaleAvailability ProbeLocale(const std::string& name) {
  locale_t loc = newlocale(LC_CTYPE_MASK, name.c_str(), static_cast<locale_t>(0));
  if (loc == static_cast<locale_t>(0)) return LocaleAvailability::kUnavailable;
  // Asked through uselocale, not nl_langinfo_l: a statically linked glibc
  // (roam-server-static) answers nl_langinfo_l with the C codeset.
  locale_t previous = uselocale(loc);
  const char* codeset = nl_langinfo(CODESET);
  bool utf8 = codeset != nullptr && strcmp(codeset, "UTF-8") == 0;
  uselocale(previous);
  freelocale(loc);
  return utf8 ? LocaleAvailability::kUtf8 : LocaleAvailability::kNotUtf8;
}

Environment CurrentEnvironment() {
  Environment env;
  for (char** p = environ; p != nullptr && *p != nullptr; ++p) {
    const char* eq = strchr(*p, '=');
    if (eq == nullptr) continue;
    env.emplace(std::string(*p, static_cast<size_t>(eq - *p)), std::string(eq + 1));
  }
  return env;
}

Status ApplyLocaleChoice(const LocaleChoice& choice) {
  for (const std::string& name : choice.unset) unsetenv(name.c_str());
  for (const auto& [name, value] : choice.set) setenv(name.c_str(), value.c_str(), 1);
  if (setlocale(LC_ALL, "") == nullptr) {
    return IoError("setlocale failed for locale \"" + choice.locale + "\"");
  }
  return Status::Ok();
}

}  // namespace roam::bootstrap
