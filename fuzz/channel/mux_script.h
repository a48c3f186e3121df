// MuxScript: the operations of the mux fuzz target's script (one u8 each,
// taken modulo kMuxOpCount), read with FuzzScriptReader; the seed generator
// writes them with FuzzScriptWriter.
//
// The target is a server Mux; its peer is a real client Mux, so a script
// can mix honest traffic (either side's next packet, delivered, dropped or
// duplicated), forged packets (frame_script.h), raw bytes and replays with
// the application calls of both sides and the passing of time.
//
// A side byte picks the Mux an application call acts on (bit 0: 0 the
// target, 1 the peer); a selector byte picks one of that side's channels
// (those it holds or has heard of, modulo their number; with none, the
// selector itself is the id).

#ifndef ROAM_FUZZ_CHANNEL_MUX_SCRIPT_H_
#define ROAM_FUZZ_CHANNEL_MUX_SCRIPT_H_

#include <cstdint>

namespace roam::fuzz {

enum MuxOp : uint8_t {
  kMuxOpPeerSend = 0,     // u8 flags (bit 0 drop, bit 1 duplicate): peer's next packet
  kMuxOpTargetSend = 1,   // u8 flags (bit 0 drop, bit 1 duplicate): target's next packet
  kMuxOpForged = 2,       // a frame_script packet, to the target
  kMuxOpRaw = 3,          // bytes, to the target as they are
  kMuxOpReplay = 4,       // u8 index of one of the last packets the target got
  kMuxOpAdvance = 5,      // u16 milliseconds
  kMuxOpOpen = 6,         // u8 side, bytes request
  kMuxOpWrite = 7,        // u8 side, u8 selector, u16 length of pattern bytes
  kMuxOpRead = 8,         // u8 side, u8 selector, u16 most bytes
  kMuxOpCloseWrite = 9,   // u8 side, u8 selector
  kMuxOpReset = 10,       // u8 side, u8 selector, u64 code
  kMuxOpRelease = 11,     // u8 side, u8 selector
  kMuxOpAnswer = 12,      // u8 side, u8 selector, u8 accept (bit 0), bytes reason
  kMuxOpPathChange = 13,  // the target's peer moved
  kMuxOpExchange = 14,    // u8 rounds: both sides send all they may, delivered at once
  kMuxOpCount = 15,
};

}  // namespace roam::fuzz

#endif  // ROAM_FUZZ_CHANNEL_MUX_SCRIPT_H_
