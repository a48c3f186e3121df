// RoamHello: how two roam peers find each other inside the Mosh protocol
// (docs/protocol.md §8.1).
//
// A roam client puts a Hello into its user stream right after its first
// resize. A stock mosh-server ignores the unknown extension; a roam server
// answers with the same message (the Welcome) in its terminal state, giving
// the version and the features both sides will use (the intersection of the
// two sets) and the limits it grants. Until the Welcome arrived, a roam
// client sends nothing else a stock server would not understand; a roam
// server never sends anything beyond Mosh 1.4 to a client that did not say
// Hello.

#ifndef ROAM_STATE_ROAM_HELLO_H_
#define ROAM_STATE_ROAM_HELLO_H_

#include <cstdint>

namespace RoamBuffers {
class Hello;
}

namespace roam::state {

// The only version so far. A peer that announces a higher one is answered
// with ours; a lower one (0: malformed) is not answered at all.
inline constexpr uint32_t kRoamProtocolVersion = 1;

// Feature bits (docs/protocol.md §8.2); numbers are never reused.
enum RoamFeature : uint64_t {
  kFeatureChannels = uint64_t{1} << 0,   // channel packets (§9)
  kFeatureEchoHints = uint64_t{1} << 1,  // the server's EchoHint (§8.4)
  kFeatureHistory = uint64_t{1} << 2,    // native scrollback (§8.5); needs channels
};
// What this build implements.
inline constexpr uint64_t kSupportedFeatures =
    kFeatureChannels | kFeatureEchoHints | kFeatureHistory;

struct RoamHello {
  uint32_t version = 0;
  uint64_t features = 0;
  uint64_t initial_max_data = 0;
  uint64_t initial_max_stream_data = 0;
  uint64_t initial_max_streams = 0;
  // Client only: this session has no terminal (the server must not run its
  // program); everything goes through channels.
  bool no_terminal = false;

  bool valid() const { return version >= 1; }
  bool has(RoamFeature f) const { return (features & f) != 0; }
  friend bool operator==(const RoamHello&, const RoamHello&) = default;
};

void ToProto(const RoamHello& hello, RoamBuffers::Hello* out);
RoamHello FromProto(const RoamBuffers::Hello& in);

}  // namespace roam::state

#endif  // ROAM_STATE_ROAM_HELLO_H_
