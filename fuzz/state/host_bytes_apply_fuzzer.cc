// Fuzz target: HostBytesState::Apply on arbitrary diff bytes. A rejected diff
// (malformed, or an echo ack that would decrease) must leave the state
// unchanged; an accepted one never lowers the echo ack, and the state's diff
// from the old state reproduces it.

#include <cstddef>
#include <cstdint>
#include <string>

#include "base/check.h"
#include "state/host_bytes_state.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view diff(reinterpret_cast<const char*>(data), size);
  roam::state::HostBytesState state;
  state.AppendBytes("$ ");
  state.SetEchoAck(5);
  const roam::state::HostBytesState before = state;

  roam::Status status = state.Apply(diff);
  if (!status.ok()) {
    ROAM_CHECK(state == before);
    return 0;
  }
  ROAM_CHECK(state.echo_ack() >= before.echo_ack());
  roam::state::HostBytesState replay = before;
  ROAM_CHECK(replay.Apply(state.DiffFrom(before)).ok());
  ROAM_CHECK(replay == state);
  return 0;
}
