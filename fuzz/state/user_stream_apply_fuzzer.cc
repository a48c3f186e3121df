// Fuzz target: UserStream::Apply on arbitrary diff bytes. A rejected diff must
// leave the stream unchanged; an accepted one must append exactly the events
// EventsOfDiff lists, and re-diffing the result must reproduce those events.

#include <cstddef>
#include <cstdint>
#include <string>

#include "base/check.h"
#include "state/user_stream.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view diff(reinterpret_cast<const char*>(data), size);
  roam::state::UserStream stream;
  stream.PushBytes("pre");
  stream.PushResize(80, 24);
  const roam::state::UserStream before = stream;

  roam::Status status = stream.Apply(diff);
  auto events = roam::state::UserStream::EventsOfDiff(diff);
  ROAM_CHECK(status.ok() == events.ok());
  if (!status.ok()) {
    ROAM_CHECK(stream == before);
    return 0;
  }
  ROAM_CHECK(stream.size() == before.size() + events->size());

  // The new suffix, re-encoded and applied to the old stream, gives the same.
  std::string rediff = stream.DiffFrom(before);
  ROAM_CHECK(rediff.empty() == events->empty());
  roam::state::UserStream replay = before;
  ROAM_CHECK(replay.Apply(rediff).ok());
  ROAM_CHECK(replay == stream);

  // Subtracting the old prefix leaves exactly the new events.
  roam::state::UserStream suffix = stream;
  suffix.Subtract(before);
  ROAM_CHECK(suffix.events() == *events);
  roam::state::UserStream::CompactResizes(suffix.events());
  return 0;
}
