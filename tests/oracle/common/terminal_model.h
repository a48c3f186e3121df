// TerminalModel: one terminal emulator seen from an oracle test. It eats
// host bytes, may answer terminal queries (DA, DSR, ...), and shows its
// screen as a ScreenGrid. libvterm and roam's emulator both sit behind it,
// so the differential, fidelity and vttest tests do not care which one
// they drive.

#ifndef ROAM_TESTS_ORACLE_COMMON_TERMINAL_MODEL_H_
#define ROAM_TESTS_ORACLE_COMMON_TERMINAL_MODEL_H_

#include <string>
#include <string_view>

#include "oracle/common/screen_grid.h"

namespace roam::oracle {

class TerminalModel {
 public:
  virtual ~TerminalModel() = default;

  // A short name for reports ("roam", "libvterm").
  virtual std::string name() const = 0;
  // Feeds host output to the emulator. Any split of a byte stream gives the
  // same result as writing it whole.
  virtual void Write(std::string_view host_bytes) = 0;
  // Returns and forgets the bytes the emulator wants to send back to the
  // host (query replies).
  virtual std::string TakeReplies() = 0;
  // The current screen.
  virtual ScreenGrid Grid() const = 0;
};

}  // namespace roam::oracle

#endif  // ROAM_TESTS_ORACLE_COMMON_TERMINAL_MODEL_H_
