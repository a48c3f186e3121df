// FragmentAssembly: reassembles fragments from the peer into Instructions,
// one Instruction at a time (docs/protocol.md §4.2), and decodes them.
//
// A fragment with a newer id than the one in progress throws the partial
// assembly away and starts a new one; a fragment with an older id (a late or
// replayed copy: the peer's ids only grow) is ignored and counted, and so is
// a fragment of a late datagram whose id is not the one in progress, so that
// replaying captured datagrams cannot keep resetting the assembly of a
// large Instruction; identical duplicates are ignored. An
// Instruction is complete when its final fragment and every lower-numbered one
// are held; the joined chunks are then zlib-decompressed (4 MiB limit),
// parsed as a TransportBuffers.Instruction and checked for protocol version 2.
//
// Everything here comes from an authenticated but possibly misbehaving peer.
// Mosh aborts on a conflicting duplicate (same id and number, different bytes)
// and on a final fragment numbered below one already held; roam drops the
// whole assembly and counts it instead. Memory is bounded before it is used:
// fragment numbers beyond what a 4 MiB Instruction can need at the smallest
// MTU, and more held bytes than such an Instruction can compress to, are
// rejected and counted.

#ifndef ROAM_SSP_FRAGMENT_ASSEMBLY_H_
#define ROAM_SSP_FRAGMENT_ASSEMBLY_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "ssp/fragment.h"
#include "wire/instruction_codec.h"

namespace roam::ssp {

// Most bytes one compressed Instruction may occupy: zlib's worst-case
// expansion of a 4 MiB input (compressBound).
inline constexpr size_t kMaxCompressedBytes =
    4'194'304 + (4'194'304 >> 12) + (4'194'304 >> 14) + (4'194'304 >> 25) + 13;
// Smallest chunk a Mosh-compatible sender uses: MTU 500 - 38.
inline constexpr size_t kMinChunkBytes = 462;
// Highest fragment number accepted: a 4 MiB Instruction cut at the smallest
// chunk size needs no more fragments than this.
inline constexpr uint16_t kMaxFragmentNum =
    static_cast<uint16_t>((kMaxCompressedBytes + kMinChunkBytes - 1) / kMinChunkBytes - 1);

// What the assembly counts. Every fragment handed to Add() that does not end
// in a delivered Instruction is counted in at least one of the drop fields.
struct AssemblyStats {
  uint64_t fragments = 0;     // fragments handed to Add()
  uint64_t instructions = 0;  // complete, decoded and delivered
  uint64_t duplicates = 0;    // identical copies of a held fragment, ignored
  uint64_t abandoned = 0;     // partial assemblies discarded by a newer id
  uint64_t stale = 0;         // fragments with an id older than the newest seen, ignored
  uint64_t conflicting = 0;   // conflicting duplicate or inconsistent final: assembly dropped
  uint64_t oversize = 0;      // fragment number or held bytes beyond the bounds
  uint64_t bad_zlib = 0;      // corrupt stream or over the 4 MiB limit
  uint64_t bad_protobuf = 0;  // decompressed bytes are not an Instruction
  uint64_t bad_version = 0;   // protocol_version != 2 (or absent)
};

class FragmentAssembly {
 public:
  // Adds one fragment from the peer. Returns the decoded Instruction when this
  // fragment completes one; nullopt otherwise (incomplete, or dropped and
  // counted in stats()). `in_order`: the datagram that carried it was newer
  // than every one before it. An older datagram (reordered or replayed) may
  // only add to the Instruction in progress, never start one: otherwise one
  // authentic datagram with a stale sequence number and a wild id could
  // move the newest id out of reach of every real fragment.
  std::optional<TransportBuffers::Instruction> Add(Fragment fragment, bool in_order = true);

  const AssemblyStats& stats() const { return stats_; }
  // Number of fragments and bytes held for the Instruction in progress.
  size_t held_fragments() const { return held_.size(); }
  size_t held_bytes() const { return held_bytes_; }

 private:
  void Reset();
  std::optional<TransportBuffers::Instruction> Finish();

  std::optional<uint64_t> current_id_;
  std::map<uint16_t, std::string> held_;
  std::optional<uint16_t> final_num_;
  size_t held_bytes_ = 0;
  AssemblyStats stats_;
};

}  // namespace roam::ssp

#endif  // ROAM_SSP_FRAGMENT_ASSEMBLY_H_
