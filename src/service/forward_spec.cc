#include "service/forward_spec.h"

#include <vector>

namespace roam::service {

namespace {

// Splits at ':' outside brackets; brackets are removed from the fields.
Result<std::vector<std::string>> SplitFields(std::string_view text) {
  std::vector<std::string> fields(1);
  bool in_brackets = false;
  for (char c : text) {
    if (c == '[' && !in_brackets) {
      in_brackets = true;
    } else if (c == ']' && in_brackets) {
      in_brackets = false;
    } else if (c == ':' && !in_brackets) {
      fields.emplace_back();
    } else {
      fields.back().push_back(c);
    }
  }
  if (in_brackets) return InvalidArgument("unclosed '[' in \"" + std::string(text) + "\"");
  return fields;
}

bool IsPath(const std::string& field) { return field.find('/') != std::string::npos; }

Result<uint16_t> ParsePort(const std::string& field, bool allow_zero) {
  if (field.empty() || field.size() > 5 ||
      field.find_first_not_of("0123456789") != std::string::npos) {
    return InvalidArgument("bad port \"" + field + "\"");
  }
  const unsigned long v = std::stoul(field);
  if (v > 65535 || (v == 0 && !allow_zero)) return InvalidArgument("bad port \"" + field + "\"");
  return static_cast<uint16_t>(v);
}

// Consumes a listen end from the front of `fields`: "/path", "port" or
// "bind:port".
Result<Endpoint> TakeListen(std::vector<std::string>* fields, size_t target_fields) {
  Endpoint e;
  if (fields->empty()) return InvalidArgument("missing listen port");
  if (IsPath(fields->front())) {
    e.path = fields->front();
    fields->erase(fields->begin());
    return e;
  }
  if (fields->size() > target_fields + 1) {
    e.host = fields->front();
    fields->erase(fields->begin());
  }
  Result<uint16_t> port = ParsePort(fields->front(), /*allow_zero=*/true);
  if (!port.ok()) return port.status();
  e.port = *port;
  fields->erase(fields->begin());
  return e;
}

Result<Endpoint> TakeTarget(std::vector<std::string>* fields) {
  Endpoint e;
  if (fields->size() == 1 && IsPath(fields->front())) {
    e.path = fields->front();
  } else if (fields->size() == 2) {
    if (fields->front().empty()) return InvalidArgument("missing target host");
    e.host = (*fields)[0];
    Result<uint16_t> port = ParsePort((*fields)[1], /*allow_zero=*/false);
    if (!port.ok()) return port.status();
    e.port = *port;
  } else {
    return InvalidArgument("expected host:hostport or a socket path as the target");
  }
  return e;
}

}  // namespace

std::string Endpoint::ToString() const {
  if (is_socket()) return path;
  const std::string h = host.empty() ? "localhost" : host;
  return (h.find(':') != std::string::npos ? "[" + h + "]" : h) + ":" + std::to_string(port);
}

Result<ForwardSpec> ParseForwardSpec(ForwardSpec::Kind kind, std::string_view text) {
  Result<std::vector<std::string>> split = SplitFields(text);
  if (!split.ok()) return split.status();
  std::vector<std::string> fields = std::move(*split);
  ForwardSpec spec;
  spec.kind = kind;
  const std::string flag = kind == ForwardSpec::Kind::kLocal    ? "-L"
                           : kind == ForwardSpec::Kind::kRemote ? "-R"
                                                                : "-D";
  auto bad = [&](const Status& why) {
    return InvalidArgument("bad " + flag + " \"" + std::string(text) + "\": " + why.message());
  };
  if (kind == ForwardSpec::Kind::kDynamic) {
    if (fields.size() > 2) return bad(InvalidArgument("expected [bind:]port"));
    Result<Endpoint> listen = TakeListen(&fields, 0);
    if (!listen.ok()) return bad(listen.status());
    if (listen->is_socket()) return bad(InvalidArgument("a SOCKS proxy listens on a TCP port"));
    spec.listen = *listen;
    return spec;
  }
  // The target takes the last one (path) or two (host:port) fields.
  const size_t target_fields = IsPath(fields.back()) ? 1 : 2;
  if (fields.size() < target_fields + 1 || fields.size() > target_fields + 2) {
    return bad(InvalidArgument("expected [bind:]port:host:hostport or a socket path"));
  }
  Result<Endpoint> listen = TakeListen(&fields, target_fields);
  if (!listen.ok()) return bad(listen.status());
  Result<Endpoint> target = TakeTarget(&fields);
  if (!target.ok()) return bad(target.status());
  spec.listen = *listen;
  spec.target = *target;
  return spec;
}

}  // namespace roam::service
