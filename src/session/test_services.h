// The test services behind the echo, discard and source channels
// (docs/protocol.md §9.9): pure functions of the channel, so the channel
// layer can be exercised end to end — by `roam --channel-test`, the
// integration tests and the benchmark — before any real service exists.
//
//   echo     every byte comes back; EOF after the peer's EOF
//   discard  every byte is read and dropped; after the peer's EOF, the
//            count in decimal and a newline, then EOF
//   source   `bytes` bytes of SourceBytes(), then EOF; reads are dropped

#ifndef ROAM_SESSION_TEST_SERVICES_H_
#define ROAM_SESSION_TEST_SERVICES_H_

#include <cstdint>
#include <memory>
#include <string>

#include "base/random.h"
#include "channel/mux.h"
#include "wire/channel_open.pb.h"

namespace roam::session {

// The seed of the source service's byte sequence (docs/protocol.md §9.9).
inline constexpr uint64_t kSourceSeed = 0x726f616d2d737263;  // "roam-src"

// Generates the source sequence from its start, in pieces.
class SourceBytes {
 public:
  SourceBytes() : random_(kSourceSeed) {}
  // The next `n` bytes of the sequence.
  std::string Next(size_t n);

 private:
  SeededRandom random_;
  uint64_t word_ = 0;
  int left_ = 0;  // unused bytes of word_
};

class TestService {
 public:
  virtual ~TestService() = default;
  // Moves what it can; called whenever the channel may have changed.
  virtual void Run(channel::Mux* mux) = 0;
  // The service finished and released its channel.
  virtual bool done() const = 0;
};

// The service for an accepted test request, on channel `id`.
// REQUIRES: the request is of a test kind (echo, discard or source).
std::unique_ptr<TestService> MakeTestService(const RoamChannel::OpenRequest& request, uint64_t id);

}  // namespace roam::session

#endif  // ROAM_SESSION_TEST_SERVICES_H_
