// Fuzz target: ScreenState::Apply on arbitrary diff bytes — what a
// roam client does with every state a server sends: Mosh's EchoAck,
// ResizeMessage and HostBytes, and roam's Welcome, ProgramExit and
// EchoHint (docs/protocol.md §8). A rejected diff must leave the state
// unchanged; an accepted one never lowers the echo ack, and the state's
// diff from the old state reproduces it on another replica.

#include <cstddef>
#include <cstdint>
#include <string>

#include "base/check.h"
#include "state/screen_state.h"
#include "term/display.h"
#include "term/emulator.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view diff(reinterpret_cast<const char*>(data), size);
  roam::term::Emulator host(20, 6);
  host.Write("$ ls\r\nfile\r\n$ ");
  roam::state::ScreenState state(20, 6);
  state.SetFramebuffer(host.fb());
  state.SetEchoAck(5);
  state.SetEchoHint(roam::state::EchoHint{true, true, 42});
  const roam::state::ScreenState before = state;

  roam::Status status = state.Apply(diff);
  if (!status.ok()) {
    ROAM_CHECK(state == before);
    return 0;
  }
  ROAM_CHECK(state.echo_ack() >= before.echo_ack());
  ROAM_CHECK(state.echo_hint().has_value());  // a hint, once known, is never lost

  roam::state::ScreenState replay = before;
  ROAM_CHECK(replay.Apply(state.DiffFrom(before)).ok());
  ROAM_CHECK(replay.echo_ack() == state.echo_ack());
  ROAM_CHECK(replay.welcome() == state.welcome());
  ROAM_CHECK(replay.program_exit() == state.program_exit());
  ROAM_CHECK(replay.echo_hint() == state.echo_hint());
  std::string why;
  ROAM_CHECK(roam::term::DisplayEquivalent(replay.fb(), state.fb(), &why));
  return 0;
}
