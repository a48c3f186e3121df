// Emulator: roam's terminal emulator. It runs on the server over the host
// application's output and on the client as the replica that Mosh
// HostBytes are applied to, so everything in docs/protocol.md §12.1-§12.3 behaves exactly
// as in Mosh's emulator (deferred autowrap, BCE, scroll regions, origin
// mode, insert mode, tab stops, resize rules, combining/fallback cells,
// IL/DL moving the cursor to column 0, which functions keep the pending
// wrap, ...).
//
// Beyond Mosh (intentional differences). None of these changes how a
// HostBytes stream from a stock mosh-server renders, because that stream
// only ever contains the subset of docs/protocol.md §12.4, which never uses them; on a
// roam server they appear in application output, and the roam server's
// display diff re-encodes the resulting screen in the Mosh subset.
//   * Alternate screen: DECSET 47, 1047, 1049 (1049 also saves/restores the
//     cursor in its own slot), 1048 (save/restore cursor). The alternate
//     screen has no scrollback. Mosh ignores these modes.
//   * Charsets: ESC ( X / ESC ) X designate G0/G1 (0 = DEC special
//     graphics, A = UK, anything else = ASCII), SO/SI select G1/G0; DEC
//     graphics are translated to Unicode line drawing when printed. Mosh
//     ignores designations and SO/SI (they still clear the pending wrap, as
//     in Mosh, since Mosh treats them as unknown controls).
//   * CSI s / CSI u save/restore the cursor (own slot, same contents as
//     DECSC); CNL/CPL (CSI E / F); REP (CSI b); DECSCUSR (CSI Ps SP q).
//   * SGR: faint (2, cleared by 22), strikethrough (9 / 29), double
//     underline (21), colon forms 38:5:n, 38:2::r:g:b, 38:2:r:g:b (and 48),
//     underline styles 4:0..4:5; 58/59 (underline colour) are consumed and
//     ignored. Mosh drops any CSI with ':' and ignores 2, 9, 21.
//     Truecolor components above 255 are taken modulo 256.
//   * OSC 8 hyperlinks: stored per cell (Rendition::link) with a bounded,
//     hashed link table (term/link_table.h), unless options.keep_links is
//     off.
//   * OSC 52: xterm's selection letters (c p q s 0-7, or none) are accepted
//     (Mosh: only "c"); the data is stored verbatim with its selection, but
//     only when it is strict base64 (RFC 4648, padded; empty clears). A
//     query ("?") or any other data is neither stored nor answered nor
//     forwarded: the server has no clipboard to read, forwarding a read
//     would let the application read the user's, and malformed data is not
//     something a terminal should be handed. (Mosh stores any data, "?"
//     included, and its client forwards it.)
//   * Queries: DSR 5/6, DA, DA2 as Mosh; DECRQM (CSI ? Ps $ p, CSI Ps $ p)
//     and OSC 4/10/11 colour queries (answered from EmulatorOptions) are
//     answered too. Replies only go to TakeReplies(), i.e. to the
//     application, never into the screen state.
//   * ED 3 clears the scrollback (the screen is untouched, as in Mosh).
//   * History mode (EmulatorOptions::history_mode), for a server whose
//     client writes the scrollback into the user's own terminal: the
//     emulator then keeps its history the way tmux does (so a local tmux,
//     and terminals that behave alike, end up with the same lines):
//     erasing the whole primary screen (ED 2, ED 0 from the home position,
//     RIS) first scrolls its rows, down to the last one not blank, into the
//     scrollback; a height that shrinks first drops rows below the cursor
//     and then scrolls rows off the top into the scrollback (instead of
//     Mosh's cut at the bottom, which can lose the cursor's row); ED 3 in
//     the alternate screen does nothing.
//   * DECSTR also resets the charsets.
//   * Lines scrolled off the top of the primary screen (top margin at row 0)
//     are captured in a Scrollback.
//   * TranslateUserInput keeps its ESC O state across calls (as Mosh's
//     UserInput does) so an arrow key split between calls is still
//     rewritten; hence it is not const.

#ifndef ROAM_TERM_EMULATOR_H_
#define ROAM_TERM_EMULATOR_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "term/framebuffer.h"
#include "term/parser.h"
#include "term/scrollback.h"
#include "term/utf8_decoder.h"

namespace roam::term {

struct EmulatorOptions {
  // Lines kept in the scrollback; 0 disables capture.
  size_t scrollback_lines = 10000;
  // Colours reported to OSC 10 / 11 queries (0xRRGGBB).
  uint32_t default_foreground_rgb = 0xFFFFFF;
  uint32_t default_background_rgb = 0x000000;
  // Whether OSC 8 hyperlinks are stored (Rendition::link and the link
  // table). An emulator whose screen is only ever rendered by the server's
  // display diff, which never sends links (Mosh's subset), turns this off:
  // OSC 8 is then parsed and ignored, and costs nothing more.
  bool keep_links = true;
  // tmux's rules for the history (see the file comment). Off: Mosh's.
  bool history_mode = false;
  // How ECH, EL and ED treat a wide character they cut through. false (the
  // default, as xterm; tmux and libvterm show both columns blank as well):
  // erasing either half erases the whole character. true (Mosh): only the
  // cells in range are erased, leaving half a character behind. An
  // emulator that applies a stock mosh-server's diffs (the client's
  // replica) must follow Mosh, because those diffs rely on it
  // (tests/oracle/libvterm/DIFFERENCES.md, D10).
  bool mosh_wide_erase = false;
};

// Scrollback line numbers [first, end) (Scrollback numbering).
struct LineRange {
  uint64_t first = 0;
  uint64_t end = 0;
  friend bool operator==(const LineRange&, const LineRange&) = default;
};

class Emulator {
 public:
  static constexpr int kMaxDimension = 4096;  // rows or columns

  // `n` (a window dimension from outside: a terminal's size, a peer's
  // resize) brought into [1, kMaxDimension]. Every size that reaches an
  // Emulator from outside goes through this (or is rejected), so a huge
  // window is drawn at the largest size instead of ending the program.
  static constexpr int ClampDimension(int64_t n) {
    return n < 1 ? 1 : n > kMaxDimension ? kMaxDimension : static_cast<int>(n);
  }

  // REQUIRES: 1 <= cols, rows <= kMaxDimension.
  Emulator(int cols, int rows, EmulatorOptions options = {});
  // An emulator that continues from `fb` (with a fresh parser, decoder and
  // empty scrollback): no screen is allocated, the rows are shared with
  // the caller's copy until written (copy-on-write).
  // REQUIRES: 1 <= fb.width(), fb.height() <= kMaxDimension.
  Emulator(Framebuffer fb, EmulatorOptions options);

  // Interprets `host_bytes` (any split of the stream is fine).
  void Write(std::string_view host_bytes);

  // Returns and clears the answers to queries (DSR, CPR, DA, DA2, DECRQM,
  // OSC colour queries), to be written back to the application only.
  std::string TakeReplies();
  bool has_replies() const { return !replies_.empty(); }

  // Resizes following docs/protocol.md §12.3 (both screens; scrollback untouched), or,
  // in history mode, with tmux's rule for a shrinking height (the lines it
  // scrolls off are recorded in resize_pushes()).
  // Returns false and changes nothing when a dimension is outside
  // [1, kMaxDimension] (peer-controlled values are checked here).
  bool Resize(int cols, int rows);

  // History mode (see the file comment); may be switched on at any time.
  void set_history_mode(bool on) { options_.history_mode = on; }
  // How many times ED 3 erased the scrollback, and the scrollback's
  // end_number() at the latest of them (every line below it is gone).
  uint64_t scrollback_erase_count() const { return erase_count_; }
  uint64_t scrollback_erased_below() const { return erased_below_; }
  // The lines that shrinking the window scrolled into the scrollback, the
  // most recent last; at most kResizePushesKept ranges.
  const std::vector<LineRange>& resize_pushes() const { return resize_pushes_; }
  static constexpr size_t kResizePushesKept = 8;

  // Rewrites user keystrokes before they reach the application (docs/protocol.md
  // §6.2): while DECCKM is off, ESC O A..D becomes ESC [ A..D; all other
  // bytes pass through. An ESC O at the end of `keys` is held until the
  // next call decides it.
  std::string TranslateUserInput(std::string_view keys);

  // State access (serialization and display diff live in other files).
  const Framebuffer& fb() const { return fb_; }
  Framebuffer* mutable_fb() { return &fb_; }
  const Parser& parser() const { return parser_; }
  Parser* mutable_parser() { return &parser_; }
  const Utf8Decoder& decoder() const { return decoder_; }
  Utf8Decoder* mutable_decoder() { return &decoder_; }
  const Scrollback& scrollback() const { return scrollback_; }
  Scrollback* mutable_scrollback() { return &scrollback_; }
  const EmulatorOptions& options() const { return options_; }
  // TranslateUserInput's state: 0 ground, 1 after ESC, 2 after ESC O.
  int input_state() const { return input_state_; }
  void set_input_state(int s) { input_state_ = s; }

 private:
  friend class Parser;

  // Parser handler (called by Parser::Step).
  void Print(char32_t c);
  void Execute(char32_t c);
  void EscDispatch(const ParserState& s, char32_t final);
  void CsiDispatch(const ParserState& s, char32_t final);
  void OscDispatch(const ParserState& s);

  // Ground-state fast path for a complete "ESC [ params final" at `p`
  // (parameters digits and ';' only). Returns the bytes consumed, or 0 to
  // let the parser handle the input.
  size_t FastCsi(const char* p, const char* end);
  // Prints the run of printable ASCII bytes that starts at `p` (the
  // ground-state fast path; REQUIRES: p < end and *p printable). Returns
  // the end of the run: the first byte that is not printable ASCII, or
  // `end`.
  inline const char* PrintAsciiRun(const char* p, const char* end);
  // Prints consecutive complete multi-byte characters of width 1 or 2 at
  // `p` (ground-state fast path); returns the bytes consumed (0: none, let
  // the general path handle the input).
  size_t PrintText(const char* p, const char* end);
  void PrintWide(char32_t c, int width);
  void PrintCombining(char32_t c);

  // Cursor motion with Mosh's DrawState semantics.
  void MoveRow(int n, bool relative);
  void MoveCol(int n, bool relative);
  void MoveColImplicit(int n);
  void SnapCursor();
  void NewGrapheme();
  void Home() {
    MoveRow(0, false);
    MoveCol(0, false);
  }
  // Moves down (n > 0) or up, scrolling the region when crossing a margin
  // from inside it (Mosh's move_rows_autoscroll).
  void Autoscroll(int n);
  // Scrolls the region up (n > 0) or down (n < 0).
  void Scroll(int n);
  // LF, VT, FF and IND: clears the pending wrap, then Autoscroll(1).
  void LineFeed();
  void Tab(int count);
  void SetScrollRegion(int top, int bottom);
  // Erases [begin, end) of `row`, widened to whole wide characters.
  void ClearRowRange(int row, int begin, int end);
  void ResetRow(int row);
  void SaveCursor(SavedCursor* slot) const;
  void RestoreCursor(const SavedCursor& slot);
  void FullReset();
  void SoftReset();
  // History mode: before the whole primary screen is erased, its rows down
  // to the last one not blank scroll into the scrollback (tmux's
  // scroll-on-clear).
  void ScrollScreenIntoScrollback();

  // CSI groups (csi_dispatch.cc).
  void SetMode(const ParserState& s, bool on);
  void SetDecMode(int mode, bool on);
  void ReportMode(int mode, bool dec);
  void EraseInDisplay(int mode);
  void EraseInLine(int mode);
  void SetAlternateScreen(bool on, bool clear_alt);
  // SGR (sgr.cc).
  void SelectGraphicRendition(const ParserState& s);

  // OSC pieces.
  void OscHyperlink(std::string_view rest);
  void OscColorQuery(int code, std::string_view rest, const char* terminator);

  Color bg() const { return fb_.ds().rend.bg; }
  DrawState& ds() { return *fb_.mutable_ds(); }
  Scrollback* ScrollbackFor(int top) {
    return (top == 0 && !fb_.ds().alternate_screen && scrollback_.max_lines() > 0) ? &scrollback_
                                                                                   : nullptr;
  }

  EmulatorOptions options_;
  Framebuffer fb_;
  Parser parser_;
  Utf8Decoder decoder_;
  Scrollback scrollback_;
  std::string replies_;
  int input_state_ = 0;
  uint64_t erase_count_ = 0;
  uint64_t erased_below_ = 0;
  std::vector<LineRange> resize_pushes_;
};

}  // namespace roam::term

#endif  // ROAM_TERM_EMULATOR_H_
