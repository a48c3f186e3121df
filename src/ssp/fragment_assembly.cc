// Reassembly of one Instruction at a time from peer fragments (docs/protocol.md §4.2).

#include "ssp/fragment_assembly.h"

#include "ssp/compressor.h"

namespace roam::ssp {

void FragmentAssembly::Reset() {
  held_.clear();
  final_num_.reset();
  held_bytes_ = 0;
}

std::optional<TransportBuffers::Instruction> FragmentAssembly::Add(Fragment fragment,
                                                                   bool in_order) {
  ++stats_.fragments;
  if (fragment.num > kMaxFragmentNum) {
    ++stats_.oversize;
    return std::nullopt;
  }
  // Instruction ids only grow (docs/protocol.md §4.2; roam and Mosh number them from a
  // counter), so a fragment older than the newest id seen is a late or
  // replayed copy of something already superseded: ignoring it keeps one
  // replayed datagram from throwing away the assembly in progress.
  if ((current_id_ && fragment.id < *current_id_) || (!in_order && current_id_ != fragment.id)) {
    ++stats_.stale;
    return std::nullopt;
  }
  if (current_id_ != fragment.id) {
    if (!held_.empty()) ++stats_.abandoned;
    Reset();
    current_id_ = fragment.id;
  }

  auto existing = held_.find(fragment.num);
  if (existing != held_.end()) {
    const bool held_final = final_num_ == fragment.num;
    if (existing->second == fragment.contents && held_final == fragment.final) {
      ++stats_.duplicates;
      return std::nullopt;
    }
    ++stats_.conflicting;  // same id and number, different bytes: peer misbehaviour
    Reset();
    return std::nullopt;
  }

  if (fragment.final) {
    // A second, different final fragment, or one below a held number.
    const bool below_held = !held_.empty() && held_.rbegin()->first > fragment.num;
    if (final_num_.has_value() || below_held) {
      ++stats_.conflicting;
      Reset();
      return std::nullopt;
    }
  } else if (final_num_.has_value() && fragment.num > *final_num_) {
    ++stats_.conflicting;  // a fragment beyond the declared end
    Reset();
    return std::nullopt;
  }

  if (fragment.contents.size() > kMaxCompressedBytes - held_bytes_) {
    ++stats_.oversize;
    Reset();
    return std::nullopt;
  }

  held_bytes_ += fragment.contents.size();
  if (fragment.final) final_num_ = fragment.num;
  held_.emplace(fragment.num, std::move(fragment.contents));

  if (final_num_.has_value() && held_.size() == static_cast<size_t>(*final_num_) + 1) {
    return Finish();
  }
  return std::nullopt;
}

std::optional<TransportBuffers::Instruction> FragmentAssembly::Finish() {
  std::string compressed;
  compressed.reserve(held_bytes_);
  for (const auto& [num, contents] : held_) compressed += contents;
  Reset();

  Result<std::string> plain = Decompress(compressed);
  if (!plain.ok()) {
    ++stats_.bad_zlib;
    return std::nullopt;
  }
  Result<TransportBuffers::Instruction> instruction = wire::ParseInstruction(*plain);
  if (!instruction.ok()) {
    ++stats_.bad_protobuf;
    return std::nullopt;
  }
  if (instruction->protocol_version() != wire::kProtocolVersion) {
    ++stats_.bad_version;
    return std::nullopt;
  }
  ++stats_.instructions;
  return std::move(*instruction);
}

}  // namespace roam::ssp
