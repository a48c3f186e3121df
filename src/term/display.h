// Display: the display-diff generator. Given the framebuffer a terminal is
// known to show (`last`) and the one it should show (`f`), it produces the
// escape bytes that take the terminal from one to the other (docs/protocol.md §12.4).
//
// It runs in two places, which differ only in their DisplayCapabilities:
//
//   * Server mode (DisplayCapabilities::Server()): the HostBytes of a
//     HostMessage. The receiver is a stock mosh-client's emulator (or
//     roam's replica), so the output is exactly Mosh's subset: BEL, OSC
//     0/1/2/52, ?5, CSI r (transiently), SGR in Mosh's full form
//     `ESC [ 0 [;1][;3][;4][;5][;7][;8][;fg][;bg] m`, CUP, CR, LF, BS, EL,
//     ECH, ED 2, ?25, ?2004, mouse/focus/encoding modes, and ICH (CSI @)
//     only to place a wide character in the last column. Never a query,
//     DECCKM, autowrap, origin or insert mode. roam-only rendering features
//     (faint, strikethrough, OSC 8 links, cursor shape, alternate-scroll
//     mode 1007) are not sent and underline styles are sent as a single
//     underline: the stock client ignores the rest, and a replica that
//     applies the bytes ends in the state MoshVisible() describes. The
//     alternate screen is not a concept here either: the diff repaints
//     whatever screen is visible. Titles follow Mosh (sent once the
//     application set one, when changed), plus one roam rule: a title reset
//     by RIS is sent too, so the replica's title stays equal.
//
//   * Client mode: drawing the remote screen on the user's real terminal.
//     ECH and BCE are used only when terminfo says so; titles get a prefix;
//     every roam feature the local terminal renders (faint, strikethrough,
//     underline styles, OSC 8 links, cursor shape) is emitted too. Reading
//     terminfo and the start/exit sequences are the client's business
//     (src/client/terminal_sequences.h).
//
// A replica reaches `f` "as far as Mosh can see" (MoshVisible); beyond the
// renditions that means: an empty cell may arrive as a printed space, a
// fallback cell (combining character with no base) arrives as U+00A0 plus
// its combining characters, and the soft-wrap mark of the bottom row is not
// reproduced (it would need a scroll). Pending-wrap state is never relied
// on across frames: a cursor in the last column counts as unknown.
//
// Display is stateless and thread-compatible: NewFrame is const.

#ifndef ROAM_TERM_DISPLAY_H_
#define ROAM_TERM_DISPLAY_H_

#include <string>

#include "term/framebuffer.h"
#include "term/rendition.h"

namespace roam::term {

struct DisplayCapabilities {
  // Mosh's subset only (see above). False: client mode, everything.
  bool mosh_subset = true;
  // ECH (CSI n X) may be used for runs of blank cells.
  bool ech = true;
  // Erasing fills with the current background (BCE); without it, runs of
  // blank cells with a non-default background are written as spaces.
  bool bce = true;
  // The terminal accepts OSC 0/1/2 titles.
  bool titles = true;
  // Prepended to titles and icon names (client mode, e.g. "[roam] ").
  std::string title_prefix;
  // OSC 52 clipboard writes are passed on. A client whose user turned
  // clipboard writes off sets this to false: the application can then not
  // change the local clipboard at all.
  bool clipboard = true;
  // Client mode on the terminal's normal screen, whose own scrollback the
  // client fills itself (native scrollback): nothing the diff does may put a
  // line there. It never erases the whole screen (tmux, VTE and kitty first
  // scroll it into their history on ED 2) and never scrolls (a scroll with
  // the top margin at row 0 feeds the history); a full redraw rewrites every
  // cell instead, and moved rows are written again.
  bool normal_screen = false;

  // The fixed capabilities of mosh-server's generator.
  static DisplayCapabilities Server() { return DisplayCapabilities(); }
  // A real terminal with the given terminfo capabilities.
  static DisplayCapabilities Client(bool has_ech, bool has_bce, bool titles_ok,
                                    std::string prefix) {
    DisplayCapabilities c;
    c.mosh_subset = false;
    c.ech = has_ech;
    c.bce = has_bce;
    c.titles = titles_ok;
    c.title_prefix = std::move(prefix);
    return c;
  }
};

class Display {
 public:
  explicit Display(DisplayCapabilities caps) : caps_(std::move(caps)) {}

  const DisplayCapabilities& capabilities() const { return caps_; }

  // Returns the bytes that take a terminal showing `last` to `f`.
  // initialized == false: the terminal's state is unknown; the result is a
  // full redraw valid from any state (docs/protocol.md §12.5 "First frame"), and `last`
  // is only consulted for the bell count and clipboard (pass a blank
  // framebuffer to have a non-empty clipboard sent). A size change between
  // `last` and `f` also causes a full redraw (docs/protocol.md §12.4 step 5).
  std::string NewFrame(bool initialized, const Framebuffer& last, const Framebuffer& f) const;

  // Returns the bytes that print rows [first, first + count) of `f` one after
  // the other from the start of a line, as text with their renditions, each
  // ending with CR LF and without trailing blank cells, the rendition reset
  // at the end of each. No cursor motion: for writing screen contents into
  // a terminal's normal scrolling output.
  std::string InlineRows(const Framebuffer& f, int first, int count) const;

  // The rendition a receiver ends up with when this display sends `r`:
  // `r` itself in client mode; in server mode only bold, italic, blink,
  // inverse, invisible, single underline (any style) and the colours.
  Rendition Visible(const Rendition& r) const;

  // Rewrites `fb` into what a replica that applied this display's output
  // holds (see the file comment): renditions through Visible(), and in
  // server mode alternate-scroll mode off. Cells are left as they are;
  // DisplayEquivalent compares them.
  void MoshVisible(Framebuffer* fb) const;

 private:
  DisplayCapabilities caps_;
};

// Compares what a user sees: the docs/protocol.md §7.1 framebuffer fields and every cell,
// except the bell count (a diff rings once however many bells it covers),
// where an empty cell equals a space with the same rendition, a fallback
// cell equals U+00A0 followed by its text, and the bottom row's wrap mark
// is ignored. On a difference, *why (if not null) says where. For tests
// and fuzzers of the display diff.
bool DisplayEquivalent(const Framebuffer& a, const Framebuffer& b, std::string* why = nullptr);

}  // namespace roam::term

#endif  // ROAM_TERM_DISPLAY_H_
