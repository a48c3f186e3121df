// ScrollbackWriter: puts rows into the user's terminal's own scrollback
// (native scrollback, docs/protocol.md §8.5).
//
// A terminal keeps a line in its history when it scrolls off the top of the
// normal screen. So each batch of up to one screen's height of rows is drawn
// over the top rows of the screen (through the display diff, from what the
// terminal shows, so rows already showing the right text cost nothing) and
// scrolled off with line feeds on the bottom row. The rows that were below
// them move up, as they did on the remote screen; the next frame is drawn
// from there. The diff runs in normal-screen mode, so nothing but these
// line feeds ever scrolls, and the notification bar or a prediction on the
// top row never reaches the history.

#ifndef ROAM_CLIENT_SCROLLBACK_WRITER_H_
#define ROAM_CLIENT_SCROLLBACK_WRITER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "term/display.h"
#include "term/framebuffer.h"
#include "term/row.h"

namespace roam::client {

// Appends to *out the bytes that put `rows` (in order) into the history of a
// terminal showing *screen, and updates *screen to what it shows then (its
// rows moved up, blank rows below, the cursor hidden on the bottom row).
// *known: whether *screen is really what the terminal shows; when false
// every cell is written first, and it is true afterwards.
// REQUIRES: display.capabilities().normal_screen; every row is
// screen->width() wide.
void PushToScrollback(const std::vector<term::Row>& rows, const term::Display& display,
                      term::Framebuffer* screen, bool* known, std::string* out);

// The rows that show a history line on a terminal `width` columns wide: the
// line itself when it fits (padded or cut to blank cells), else the line
// cut into rows of that width that soft-wrap into each other (a wide
// character that would straddle the edge starts the next row).
// REQUIRES: width >= 1 (a 1-column terminal gets the first column only).
std::vector<term::Row> FitHistoryLine(const term::Row& line, int width);

// The row that stands where `skipped` lines went by unseen:
// "[roam: 2,990,000 lines not shown]" in inverse video, cut to `width`.
term::Row SkippedLinesRow(uint64_t skipped, int width);

}  // namespace roam::client

#endif  // ROAM_CLIENT_SCROLLBACK_WRITER_H_
