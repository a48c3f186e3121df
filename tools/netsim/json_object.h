// JsonObject: the small JSON objects netsim's counters are reported in
// (`{"name": 12, "up": {...}}`). Names are fixed identifiers chosen by the
// code, never input, so no escaping is needed.

#ifndef ROAM_TOOLS_NETSIM_JSON_OBJECT_H_
#define ROAM_TOOLS_NETSIM_JSON_OBJECT_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace roam::netsim {

class JsonObject {
 public:
  // Adds "name": value.
  JsonObject& Add(std::string_view name, uint64_t value) {
    return AddJson(name, std::to_string(value));
  }
  // Adds "name": "text". REQUIRES: `text` needs no escaping.
  JsonObject& AddString(std::string_view name, std::string_view text) {
    return AddJson(name, "\"" + std::string(text) + "\"");
  }
  // Adds "name": json, where `json` is already a JSON value.
  JsonObject& AddJson(std::string_view name, const std::string& json) {
    if (!body_.empty()) body_ += ", ";
    body_ += "\"";
    body_ += name;
    body_ += "\": ";
    body_ += json;
    return *this;
  }
  std::string ToString() const { return "{" + body_ + "}"; }

 private:
  std::string body_;
};

}  // namespace roam::netsim

#endif  // ROAM_TOOLS_NETSIM_JSON_OBJECT_H_
