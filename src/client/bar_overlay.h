// DrawBar: paints the notification bar (docs/protocol.md §13.3) onto a frame.
//
// The bar takes a whole row of the displayed screen: the row is white on
// blue, the text bold white on blue; the cursor is hidden if it sits on
// that row. The frame is a copy of the remote screen, so only the one row is
// written (copy-on-write keeps the others shared).

#ifndef ROAM_CLIENT_BAR_OVERLAY_H_
#define ROAM_CLIENT_BAR_OVERLAY_H_

#include <string_view>

#include "predict/notification_bar.h"
#include "term/framebuffer.h"

namespace roam::client {

// Draws `text` (UTF-8; cut at the screen width) as the bar on `fb`.
void DrawBar(std::string_view text, const predict::BarColors& colors, term::Framebuffer* fb);

}  // namespace roam::client

#endif  // ROAM_CLIENT_BAR_OVERLAY_H_
