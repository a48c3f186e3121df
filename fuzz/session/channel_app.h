// ChannelApp: the client application's channel calls as the core fuzz
// targets script them (ChannelCall in core_script.h), and the bound every
// Mux must keep whatever the script does.

#ifndef ROAM_FUZZ_SESSION_CHANNEL_APP_H_
#define ROAM_FUZZ_SESSION_CHANNEL_APP_H_

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "base/check.h"
#include "base/clock.h"
#include "base/varint.h"
#include "channel/mux.h"
#include "session/core_script.h"
#include "ssp/fuzz_script.h"
#include "wire/channel_open.pb.h"

namespace roam::fuzz {

// The serialized open request of a test service (kind 0 echo, 1 discard,
// 2 source of `source_bytes`); anything else: `raw` as it is.
inline std::string OpenRequestBytes(uint8_t kind, uint16_t source_bytes, const std::string& raw) {
  RoamChannel::OpenRequest request;
  switch (kind % 4) {
    case 0:
      request.mutable_echo();
      break;
    case 1:
      request.mutable_discard();
      break;
    case 2:
      request.mutable_source()->set_bytes(source_bytes);
      break;
    default:
      return raw;
  }
  return request.SerializeAsString();
}

class ChannelApp {
 public:
  // Reads one ChannelCall and makes it on `mux` (which may be null: the
  // call's record is still consumed).
  void Call(channel::Mux* mux, FuzzScriptReader& script, TimePoint now) {
    const uint8_t call = script.U8() % kChannelCallCount;
    const uint8_t selector = script.U8();
    const uint64_t id = mux ? Pick(mux, selector) : selector;
    switch (call) {
      case kCallOpen: {
        const uint8_t kind = script.U8();
        const uint16_t source_bytes = script.U16();
        const std::string raw = script.Bytes();
        if (mux) {
          Result<uint64_t> opened = mux->Open(OpenRequestBytes(kind, source_bytes, raw), now);
          if (opened.ok()) ++opened_;
        }
        break;
      }
      case kCallWrite: {
        const std::string bytes(script.U16(), static_cast<char>('a' + id % 26));
        if (mux) ROAM_CHECK(mux->Write(id, bytes) <= bytes.size());
        break;
      }
      case kCallRead:
        if (mux) {
          std::string out;
          mux->Read(id, &out, 1 << 20);
        }
        break;
      case kCallClose:
        if (mux) mux->CloseWrite(id);
        break;
      case kCallReset: {
        const uint8_t code = script.U8();
        if (mux) mux->Reset(id, code);
        break;
      }
      case kCallRelease:
        if (mux) mux->Release(id);
        break;
      default: {
        const bool accept = script.U8() & 1;
        if (mux) (void)(accept ? mux->Accept(id) : mux->Refuse(id, "no thanks"));
        break;
      }
    }
  }

  // The bounds of mux.h: buffers within the session window plus a send
  // buffer per channel, no more peer channels than allowed.
  void Check(const channel::Mux& mux, const channel::MuxConfig& config, TimePoint now) const {
    ROAM_CHECK(mux.channel_count() <= config.max_incoming_channels + opened_);
    ROAM_CHECK(mux.buffered_bytes() <=
               config.session_window + mux.channel_count() * config.stream_send_buffer);
    ROAM_CHECK(mux.NextDeadline(now) >= now);
  }

 private:
  uint64_t Pick(channel::Mux* mux, uint8_t selector) {
    for (const channel::MuxEvent& e : mux->TakeEvents()) heard_.insert(e.id);
    std::vector<uint64_t> ids = mux->ChannelIds();
    ids.insert(ids.end(), heard_.begin(), heard_.end());
    return ids.empty() ? selector : ids[selector % ids.size()];
  }

  std::set<uint64_t> heard_;
  uint64_t opened_ = 0;
};

// Small windows and few channels, so that short scripts reach the limits;
// the send buffer holds the longest open request.
inline channel::MuxConfig FuzzChannelConfig() {
  channel::MuxConfig c;
  c.stream_window = 32 * 1024;
  c.session_window = 96 * 1024;
  c.stream_send_buffer = 80 * 1024;
  c.max_incoming_channels = 8;
  return c;
}

}  // namespace roam::fuzz

#endif  // ROAM_FUZZ_SESSION_CHANNEL_APP_H_
