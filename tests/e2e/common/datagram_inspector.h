// DatagramInspector: reads a captured Mosh/roam session with its key and
// counts what each direction carried, so a test can assert what a peer was
// (and was not) sent: SSP states with their Mosh extensions, roam's Hello,
// Welcome and EchoHint (docs/protocol.md §8), roam channel packets (§9), and any
// other unknown extension. Not thread-safe: feed it from one thread, read
// it after that thread stopped.

#ifndef ROAM_TESTS_E2E_COMMON_DATAGRAM_INSPECTOR_H_
#define ROAM_TESTS_E2E_COMMON_DATAGRAM_INSPECTOR_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/key.h"
#include "crypto/ocb_session.h"
#include "ssp/fragment_assembly.h"

namespace roam::testing {

struct DirectionCounts {
  uint64_t datagrams = 0;
  uint64_t undecryptable = 0;
  uint64_t instructions = 0;
  uint64_t keystrokes = 0;  // client -> server
  uint64_t resizes = 0;
  uint64_t host_bytes = 0;  // server -> client
  uint64_t echo_acks = 0;
  uint64_t hellos = 0;      // roam Hello (client) or Welcome (server)
  uint64_t echo_hints = 0;  // roam EchoHint (server)
  uint64_t unknown_extensions = 0;
  uint64_t channel_packets = 0;  // roam extension packets
  uint64_t fragment_packets = 0;
};

class DatagramInspector {
 public:
  explicit DatagramInspector(const crypto::Key& key) : up_(key), down_(key) {}
  void Observe(bool to_server, std::string_view datagram);
  const DirectionCounts& to_server() const { return counts_[1]; }
  const DirectionCounts& to_client() const { return counts_[0]; }

 private:
  crypto::OcbSession up_;
  crypto::OcbSession down_;
  ssp::FragmentAssembly assembly_[2];
  DirectionCounts counts_[2];
};

}  // namespace roam::testing

#endif  // ROAM_TESTS_E2E_COMMON_DATAGRAM_INSPECTOR_H_
