// Fuzz target: FragmentAssembly fed a sequence of fuzzer-built fragments
// (u64 id, u16 final|number word, byte string each). Checks that memory stays
// within the documented bounds and that only version-2 Instructions come out.

#include <cstddef>
#include <cstdint>
#include <string>

#include "base/check.h"
#include "ssp/fragment.h"
#include "ssp/fragment_assembly.h"
#include "ssp/fuzz_script.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  roam::fuzz::FuzzScriptReader script(std::string_view(reinterpret_cast<const char*>(data), size));
  roam::ssp::FragmentAssembly assembly;
  while (!script.empty()) {
    roam::ssp::Fragment fragment;
    fragment.id = script.U64();
    uint16_t word = script.U16();
    fragment.final = (word & 0x8000) != 0;
    fragment.num = static_cast<uint16_t>(word & 0x7FFF);
    fragment.contents = script.Bytes();
    // Through the wire form too, as a peer's datagram would arrive.
    roam::Result<roam::ssp::Fragment> decoded = roam::ssp::Fragment::Decode(fragment.Encode());
    ROAM_CHECK(decoded.ok() && *decoded == fragment);
    auto instruction = assembly.Add(std::move(fragment));
    if (instruction) ROAM_CHECK(instruction->protocol_version() == 2);
    ROAM_CHECK(assembly.held_bytes() <= roam::ssp::kMaxCompressedBytes);
    ROAM_CHECK(assembly.held_fragments() <= size_t{roam::ssp::kMaxFragmentNum} + 1);
  }
  const roam::ssp::AssemblyStats& s = assembly.stats();
  ROAM_CHECK(s.instructions + s.bad_zlib + s.bad_protobuf + s.bad_version <= s.fragments);
  return 0;
}
