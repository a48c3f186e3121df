// Rendering of roam's Framebuffer for the oracle tests: as plain text lines
// (trailing blanks trimmed) and as a ScreenGrid of (text, width, attributes,
// colours) cells plus the cursor. Reads only the public data model
// (src/term/framebuffer.h), so it works with any emulator that fills it.

#ifndef ROAM_TESTS_ORACLE_COMMON_FRAMEBUFFER_GRID_H_
#define ROAM_TESTS_ORACLE_COMMON_FRAMEBUFFER_GRID_H_

#include <string>
#include <vector>

#include "oracle/common/screen_grid.h"
#include "term/framebuffer.h"

namespace roam::oracle {

// The visible screen of `fb` as a grid: empty cells have text "", a wide
// cell has width 2 and the cell after it width 0.
ScreenGrid GridFromFramebuffer(const term::Framebuffer& fb);

// The visible screen of `fb` as one string per row, trailing blanks trimmed.
std::vector<std::string> FramebufferLines(const term::Framebuffer& fb);

}  // namespace roam::oracle

#endif  // ROAM_TESTS_ORACLE_COMMON_FRAMEBUFFER_GRID_H_
