// CoreScript: the operations of the two session-core fuzz targets (one u8
// each, taken modulo the op count), read with FuzzScriptReader; the seed
// generator (core_seed_generator.cc) writes them with FuzzScriptWriter, so
// seeds and targets cannot drift apart.
//
//   client_core_receive: a ClientCore fed datagrams that a server-side
//     Connection seals under the session key — HostMessages built from the
//     script, raw diffs, channel packets (fuzz/channel/frame_script.h) and
//     raw payloads — plus garbage, replays, damaged copies, the user's keys,
//     window sizes, ticks and the client's own channel calls.
//   session_cores: a ClientCore and a ServerCore joined by a link the script
//     controls datagram by datagram (deliver any queued one, drop, duplicate,
//     damage), with time, NAT rebinding, typing, the program's output and
//     channel calls on the client.

#ifndef ROAM_FUZZ_SESSION_CORE_SCRIPT_H_
#define ROAM_FUZZ_SESSION_CORE_SCRIPT_H_

#include <cstdint>

namespace roam::fuzz {

// Instruction kinds of a scripted HostMessage (one u8 each, modulo 4).
enum HostInstruction : uint8_t {
  kHostBytes = 0,    // bytes
  kHostResize = 1,   // u16 width, u16 height (each taken modulo 101)
  kHostEchoAck = 2,  // u64
  kHostWelcome = 3,  // u8 version, u64 features, u64 max data, u64 max stream data,
                     // u64 max streams
  kHostInstructionCount = 4,
};

// Channel calls of the client application (one u8 each, modulo 7), then a
// u8 channel selector (among the ids the client holds or heard of) and:
enum ChannelCall : uint8_t {
  kCallOpen = 0,     // u8 kind (0 echo, 1 discard, 2 source, 3 raw bytes), u16 source
                     // size, bytes (raw request for kind 3)
  kCallWrite = 1,    // u16 length of pattern bytes
  kCallRead = 2,     // (nothing more)
  kCallClose = 3,    // CloseWrite
  kCallReset = 4,    // u8 code
  kCallRelease = 5,  //
  kCallAccept = 6,   // u8 accept (bit 0): answer a channel the server opened
  kChannelCallCount = 7,
};

enum ClientReceiveOp : uint8_t {
  // u64 old, u64 new, u64 ack, u64 throwaway, u8 fragment flags (bit 0 drop
  // the first fragment, bit 1 reverse, bit 2 duplicate the first, bit 3 a
  // tiny MTU), u8 instruction count (mod 8), instructions (HostInstruction).
  kCrHostMessage = 0,
  kCrRawDiff = 1,        // u64 old, u64 new, u64 ack, u64 throwaway, bytes diff
  kCrChannelPacket = 2,  // a frame_script packet, sealed
  kCrSealed = 3,         // bytes sealed as they are (padded to the minimum)
  kCrGarbage = 4,        // bytes, not sealed
  kCrReplay = 5,         // u8 index of an earlier datagram
  kCrCorrupt = 6,        // u8 index, u16 position, u8 xor mask
  kCrAdvance = 7,        // u16 milliseconds
  kCrTick = 8,           // the client ticks (its datagrams reach the server side) and draws
  kCrType = 9,           // bytes the user types
  kCrWindow = 10,        // u8 columns, u8 rows
  kCrChannel = 11,       // a ChannelCall
  kClientReceiveOpCount = 12,
};

enum SessionOp : uint8_t {
  kSoTick = 0,       // both cores tick; their datagrams join the link's queues
  kSoDeliver = 1,    // u8 selector (bit 0: 1 to the server; the rest: which queued one)
  kSoDrop = 2,       // u8 selector
  kSoDuplicate = 3,  // u8 selector: deliver a copy, keep the original queued
  kSoCorrupt = 4,    // u8 selector, u16 position, u8 xor mask: deliver a damaged copy
  kSoAdvance = 5,    // u16 milliseconds
  kSoNat = 6,        // the client's NAT mapping moves to the next source port
  kSoType = 7,       // bytes the user types
  kSoOutput = 8,     // bytes the server's program prints
  kSoWindow = 9,     // u8 columns, u8 rows
  kSoChannel = 10,   // a ChannelCall
  kSoRun = 11,       // u8 rounds (mod 16): tick, deliver everything, 10 ms pass
  kSoQuit = 12,      // the user quits
  kSessionOpCount = 13,
};

}  // namespace roam::fuzz

#endif  // ROAM_FUZZ_SESSION_CORE_SCRIPT_H_
