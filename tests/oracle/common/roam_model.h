// RoamModel: roam's own emulator (src/term/emulator.h) as a TerminalModel,
// the subject every oracle checks.

#ifndef ROAM_TESTS_ORACLE_COMMON_ROAM_MODEL_H_
#define ROAM_TESTS_ORACLE_COMMON_ROAM_MODEL_H_

#include <memory>

#include "oracle/common/terminal_model.h"

namespace roam::oracle {

// A cols x rows roam emulator with default options. Its Grid() renders the
// emulator's Framebuffer (framebuffer_grid.h). REQUIRES: 1 <= cols, rows <=
// term::Emulator::kMaxDimension.
std::unique_ptr<TerminalModel> MakeRoamModel(int cols, int rows);

}  // namespace roam::oracle

#endif  // ROAM_TESTS_ORACLE_COMMON_ROAM_MODEL_H_
