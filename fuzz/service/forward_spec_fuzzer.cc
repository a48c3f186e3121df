// Fuzz target: the -L, -R and -D argument parser. The first byte picks the
// kind; the rest is the argument. A parsed spec must be usable: ports in
// range, a target for -L and -R, none for -D.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/check.h"
#include "service/forward_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  using Kind = roam::service::ForwardSpec::Kind;
  const Kind kind = data[0] % 3 == 0   ? Kind::kLocal
                    : data[0] % 3 == 1 ? Kind::kRemote
                                       : Kind::kDynamic;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  roam::Result<roam::service::ForwardSpec> spec = roam::service::ParseForwardSpec(kind, text);
  if (!spec.ok()) return 0;
  if (kind == Kind::kDynamic) {
    ROAM_CHECK(!spec->listen.is_socket());
  } else {
    ROAM_CHECK(spec->target.is_socket() || (spec->target.port > 0 && !spec->target.host.empty()));
  }
  (void)spec->listen.ToString();
  return 0;
}
