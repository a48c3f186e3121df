// Display diff: golden output in server mode (docs/protocol.md §12.4 examples and
// rules), client-mode capabilities, and the property that applying a diff
// to a replica emulator reproduces the target screen.

#include "term/display.h"

#include <gtest/gtest.h>

#include <string>

#include "base/random.h"
#include "term/emulator.h"
#include "unit/term/random_terminal_input.h"
#include "unit/term/term_test_util.h"

namespace roam::term {
namespace {

using testing::RandomTerminalInput;

const Display kServer(DisplayCapabilities::Server());

Framebuffer Screen(int cols, int rows, const std::string& bytes) {
  Emulator e(cols, rows);
  e.Write(bytes);
  return e.fb();
}

// A receiver of server-mode bytes erases as Mosh does (a stock client, or
// roam's replica): EmulatorOptions::mosh_wide_erase.
EmulatorOptions ReplicaOptions() {
  EmulatorOptions options;
  options.mosh_wide_erase = true;
  return options;
}

// docs/protocol.md §12.4 subset: every escape sequence the server may send.
// Returns "" when `bytes` uses only those, else the first offender.
std::string FirstForeignSequence(const std::string& bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    unsigned char b = static_cast<unsigned char>(bytes[i]);
    if (b != 0x1b) {
      if (b < 0x20 && b != '\a' && b != '\b' && b != '\r' && b != '\n') {
        return "control " + std::to_string(b);
      }
      ++i;
      continue;
    }
    if (i + 1 >= bytes.size()) return "lone ESC";
    if (bytes[i + 1] == ']') {
      size_t end = bytes.find('\a', i);
      if (end == std::string::npos) return "unterminated OSC";
      std::string body = bytes.substr(i + 2, end - i - 2);
      if (body.rfind(";", 0) != 0 && body.rfind("0;", 0) != 0 && body.rfind("1;", 0) != 0 &&
          body.rfind("2;", 0) != 0 && body.rfind("52;c;", 0) != 0) {
        return "OSC " + body;
      }
      i = end + 1;
      continue;
    }
    if (bytes[i + 1] != '[') return "ESC " + bytes.substr(i + 1, 1);
    size_t j = i + 2;
    while (j < bytes.size() &&
           ((bytes[j] >= '0' && bytes[j] <= '9') || bytes[j] == ';' || bytes[j] == '?')) {
      ++j;
    }
    if (j >= bytes.size()) return "unterminated CSI";
    std::string params = bytes.substr(i + 2, j - i - 2);
    char final = bytes[j];
    std::string seq = params + final;
    bool ok = false;
    if (params.empty() || params[0] != '?') {
      ok = final == 'H' || final == 'r' || final == 'm' || final == 'K' || final == 'X' ||
           (final == 'J' && params == "2") || (final == '@' && params.empty());
    } else if (final == 'h' || final == 'l') {
      static const char* const kModes[] = {"?5",    "?25",   "?2004", "?9",    "?1000", "?1001",
                                           "?1002", "?1003", "?1004", "?1005", "?1006", "?1015"};
      for (const char* m : kModes) ok = ok || params == m;
    }
    if (!ok) return "CSI " + seq;
    i = j + 1;
  }
  return "";
}

// Applies `diff` to `replica` and checks it now shows `target` as the
// server display promises (MoshVisible + DisplayEquivalent), rings the bell
// iff the counts differed, produces no replies, and uses only the subset.
void ExpectReplicaReaches(Emulator* replica, const Framebuffer& from, const Framebuffer& target,
                          const std::string& diff, const std::string& context) {
  ASSERT_EQ(FirstForeignSequence(diff), "") << context;
  const uint64_t bells = replica->fb().bell_count();
  replica->Write(diff);
  EXPECT_FALSE(replica->has_replies()) << context;
  EXPECT_EQ(replica->fb().bell_count() != bells, from.bell_count() != target.bell_count())
      << context;
  Framebuffer want = target;
  kServer.MoshVisible(&want);
  std::string why;
  ASSERT_TRUE(DisplayEquivalent(replica->fb(), want, &why)) << context << ": " << why;
}

// Link numbers are local to each emulator's table, and 1007 is never
// drawn: clear both before comparing a client-drawn screen.
void StripLinksAndAlternateScroll(Framebuffer* fb) {
  fb->mutable_ds()->rend.link = 0;
  fb->mutable_ds()->mouse_alternate_scroll = false;
  for (int r = 0; r < fb->height(); ++r) {
    Row* row = fb->MutableRow(r);
    for (int c = 0; c < row->width(); ++c) row->mutable_cell(c).rend.link = 0;
  }
}

// ---- Golden output (docs/protocol.md §12.4 examples) ----

TEST(DisplayGoldenTest, FirstPrompt) {
  Framebuffer a(80, 24);
  Framebuffer b = Screen(80, 24, "\r\nbash-5.2# \x1b[?2004h");
  EXPECT_EQ(kServer.NewFrame(true, a, b), "\x1b[?25l\nbash-5.2# \x1b[?25h\x1b[?2004h");
}

TEST(DisplayGoldenTest, EchoAndNewline) {
  Emulator e(80, 24);
  e.Write("\r\nbash-5.2# ");
  Framebuffer a = e.fb();
  e.Write("echo hello world\r\nhello world\r\nbash-5.2# ");
  EXPECT_EQ(kServer.NewFrame(true, a, e.fb()),
            "echo hello world\x1b[?25l\r\nhello world\r\nbash-5.2# \x1b[?25h");
}

TEST(DisplayGoldenTest, TitleEqualToIconIsOsc0) {
  Emulator e(80, 24);
  Framebuffer a = e.fb();
  e.Write("\x1b]0;mytitle\a");
  EXPECT_EQ(kServer.NewFrame(true, a, e.fb()), "\x1b]0;mytitle\a");
}

TEST(DisplayGoldenTest, TitleDifferentFromIconIsOsc1ThenOsc2) {
  Emulator e(80, 24);
  Framebuffer a = e.fb();
  e.Write("\x1b]1;ic\a\x1b]2;ti\a");
  EXPECT_EQ(kServer.NewFrame(true, a, e.fb()), "\x1b]1;ic\a\x1b]2;ti\a");
}

TEST(DisplayGoldenTest, ResizeRepaintsEverything) {
  Emulator e(80, 24);
  e.Write("\r\nbash-5.2# echo hello world\r\nhello world\r\nbash-5.2# \x1b[?2004h");
  Framebuffer a = e.fb();
  e.Resize(100, 30);
  std::string expected =
      "\x1b[r\x1b[0m\x1b[H\x1b[2J\x1b[?25l\x1b[K\nbash-5.2# echo hello world\x1b[K\r\nhello "
      "world\x1b[K\r\nbash-5.2# \x1b[K";
  expected += "\r\n\x1b[K";                             // row 4: from column 10
  for (int r = 5; r < 30; ++r) expected += "\n\x1b[K";  // EL leaves the cursor in column 0
  expected +=
      "\x1b[4;11H\x1b[?25h\x1b[0m\x1b[?2004h\x1b[?1003l\x1b[?1002l\x1b[?1001l\x1b[?1000l"
      "\x1b[?1004l\x1b[?1015l\x1b[?1006l\x1b[?1005l";
  EXPECT_EQ(kServer.NewFrame(true, a, e.fb()), expected);
}

TEST(DisplayGoldenTest, FirstFrameFullDraw) {
  Framebuffer blank(4, 2);
  Framebuffer b = Screen(4, 2, "hi");
  EXPECT_EQ(kServer.NewFrame(false, blank, b),
            "\x1b[?5l\x1b[r\x1b[0m\x1b[H\x1b[2J\x1b[?25lhi\x1b[K\r\n\x1b[K"
            "\x1b[1;3H\x1b[?25h\x1b[0m\x1b[?2004l\x1b[?1003l\x1b[?1002l\x1b[?1001l\x1b[?1000l"
            "\x1b[?1004l\x1b[?1015l\x1b[?1006l\x1b[?1005l");
}

TEST(DisplayGoldenTest, UnchangedScreenIsEmpty) {
  Emulator e(80, 24);
  e.Write("some text\x1b[31mred");
  Framebuffer a = e.fb();
  EXPECT_EQ(kServer.NewFrame(true, a, e.fb()), "");
}

TEST(DisplayGoldenTest, CursorInLastColumnIsReachedByAMoveBeforePrinting) {
  // Whether a wrap is pending there is not known across frames: an
  // unchanged frame sends nothing, a print there moves the cursor first.
  Emulator e(5, 2);
  e.Write("abcde");
  Framebuffer a = e.fb();
  EXPECT_EQ(kServer.NewFrame(true, a, e.fb()), "");
  e.Write("\x1b[1;5HX");
  EXPECT_EQ(kServer.NewFrame(true, a, e.fb()), "\x1b[?25l\x1b[1;5HX\x1b[?25h");
}

TEST(DisplayGoldenTest, TitleOf255CharactersUsesTheShortOscForm) {
  // "OSC ; text" keeps 255 characters of text; "OSC 0 ; text" only 254.
  Emulator e(10, 2);
  Framebuffer a = e.fb();
  e.Write("\x1b];" + std::string(300, 't') + "\a");
  ASSERT_EQ(e.fb().title().size(), 255u);
  std::string d = kServer.NewFrame(true, a, e.fb());
  EXPECT_EQ(d, "\x1b];" + std::string(255, 't') + "\a");
  Emulator replica(10, 2, ReplicaOptions());
  ExpectReplicaReaches(&replica, a, e.fb(), d, "long title");
  Framebuffer b = e.fb();
  e.Write("\x1b]1;icon\a");
  ExpectReplicaReaches(&replica, b, e.fb(), kServer.NewFrame(true, b, e.fb()), "other icon");
  EXPECT_EQ(replica.fb().icon_name(), "icon");
}

TEST(DisplayGoldenTest, TitleResetByRisIsSent) {
  Emulator e(10, 2);
  e.Write("\x1b]0;t\a");
  Framebuffer a = e.fb();
  e.Write(
      "\x1b"
      "c");
  std::string d = kServer.NewFrame(true, a, e.fb());
  EXPECT_EQ(d.rfind("\x1b]0;\a", 0), 0u) << d;
  Emulator replica(10, 2, ReplicaOptions());
  replica.Write(kServer.NewFrame(false, Framebuffer(10, 2), a));
  ExpectReplicaReaches(&replica, a, e.fb(), d, "ris");
}

TEST(DisplayGoldenTest, BellOnceForManyBells) {
  Emulator e(10, 3);
  Framebuffer a = e.fb();
  e.Write("\a\a\a");
  EXPECT_EQ(kServer.NewFrame(true, a, e.fb()), "\a");
}

TEST(DisplayGoldenTest, ClipboardAndReverseVideo) {
  Emulator e(10, 3);
  Framebuffer a = e.fb();
  e.Write("\x1b]52;p;Zm9v\a\x1b[?5h");
  EXPECT_EQ(kServer.NewFrame(true, a, e.fb()), "\x1b]52;c;Zm9v\a\x1b[?5h");
}

TEST(DisplayGoldenTest, ClipboardWritesCanBeTurnedOff) {
  Emulator e(10, 3);
  Framebuffer a = e.fb();
  e.Write("\x1b]52;c;Zm9v\a");
  DisplayCapabilities caps = DisplayCapabilities::Client(true, true, true, "");
  ASSERT_NE(Display(caps).NewFrame(true, a, e.fb()).find("\x1b]52;"), std::string::npos);
  caps.clipboard = false;
  const Display no_clipboard(caps);
  EXPECT_EQ(no_clipboard.NewFrame(true, a, e.fb()).find("\x1b]52;"), std::string::npos);
  EXPECT_EQ(no_clipboard.NewFrame(false, Framebuffer(10, 3), e.fb()).find("\x1b]52;"),
            std::string::npos);
}

TEST(DisplayGoldenTest, CursorMoveChoices) {
  Emulator e(40, 10);
  e.Write("\x1b[3;10H");
  Framebuffer a = e.fb();
  e.Write("\x1b[3;7H");  // 3 left on the same row: BS
  EXPECT_EQ(kServer.NewFrame(true, a, e.fb()), "\x1b[?25l\b\b\b\x1b[?25h");
  e.Write("\x1b[3;2H");  // 5 left: CUP
  Framebuffer b = e.fb();
  e.Write("\x1b[7;1H");  // column 0, 4 rows below: CR + 4 LF
  EXPECT_EQ(kServer.NewFrame(true, b, e.fb()), "\x1b[?25l\r\n\n\n\n\x1b[?25h");
  Framebuffer c = e.fb();
  e.Write("\x1b[2;1H");  // upwards: CUP
  EXPECT_EQ(kServer.NewFrame(true, c, e.fb()), "\x1b[?25l\x1b[2;1H\x1b[?25h");
}

TEST(DisplayGoldenTest, EchForLongBlankRunsSpacesForShortOnes) {
  Emulator e(20, 2);
  e.Write("abcdefghijklmnopqrst");
  Framebuffer a = e.fb();
  e.Write("\x1b[1;2H\x1b[3X\x1b[1;8H\x1b[6X\x1b[1;1H");
  EXPECT_EQ(kServer.NewFrame(true, a, e.fb()), "\x1b[?25l\x1b[1;2H   \x1b[1;8H\x1b[6X\r\x1b[?25h");
}

TEST(DisplayGoldenTest, TrailingBlanksUseElUnlessRowWraps) {
  Emulator e(10, 3);
  e.Write("abcdefghij");
  Framebuffer a = e.fb();
  e.Write("\x1b[1;4H\x1b[K");
  std::string d = kServer.NewFrame(true, a, e.fb());
  EXPECT_NE(d.find("\x1b[K"), std::string::npos) << d;

  // A wrapped row's blanks are written as spaces and the next row follows
  // without any cursor motion.
  Emulator w(6, 3);
  Framebuffer blank = w.fb();
  w.Write("ab    xy");  // 6 columns then wraps into row 1
  std::string d2 = kServer.NewFrame(true, blank, w.fb());
  EXPECT_EQ(d2, "ab    xy") << d2;
  Emulator replica(6, 3, ReplicaOptions());
  replica.Write(d2);
  EXPECT_TRUE(replica.fb().row(0).wrap());
}

TEST(DisplayGoldenTest, FallbackCellIsNbspPlusCombining) {
  Emulator e(10, 2);
  Framebuffer a = e.fb();
  e.Write("\x1b[1;1H\xcc\x81");
  EXPECT_EQ(kServer.NewFrame(true, a, e.fb()), "\xc2\xa0\xcc\x81");
}

TEST(DisplayGoldenTest, SgrFullFormWithBrightAndTrueColor) {
  Emulator e(20, 2);
  Framebuffer a = e.fb();
  e.Write("\x1b[1;3;4;5;7;8;91;48;2;1;2;3mX\x1b[0m");
  EXPECT_EQ(kServer.NewFrame(true, a, e.fb()), "\x1b[0;1;3;4;5;7;8;38;5;9;48;2;1;2;3mX\x1b[0m");
}

TEST(DisplayGoldenTest, ServerDropsRoamOnlyAttributes) {
  Emulator e(20, 2);
  Framebuffer a = e.fb();
  e.Write("\x1b[2;9;4:3;32m\x1b]8;;http://x\x1b\\X\x1b]8;;\x1b\\\x1b[0m");
  EXPECT_EQ(kServer.NewFrame(true, a, e.fb()), "\x1b[0;4;32mX\x1b[0m");
}

TEST(DisplayGoldenTest, MouseAndEncodingModes) {
  Emulator e(10, 2);
  Framebuffer a = e.fb();
  e.Write("\x1b[?1002h\x1b[?1006h\x1b[?1004h");
  Framebuffer b = e.fb();
  EXPECT_EQ(kServer.NewFrame(true, a, b), "\x1b[?1002h\x1b[?1004h\x1b[?1006h");
  e.Write("\x1b[?1003h\x1b[?1015h");
  Framebuffer c = e.fb();
  EXPECT_EQ(kServer.NewFrame(true, b, c), "\x1b[?1002l\x1b[?1003h\x1b[?1006l\x1b[?1015h");
  e.Write("\x1b[?1003l\x1b[?1015l\x1b[?1004l");
  EXPECT_EQ(kServer.NewFrame(true, c, e.fb()),
            "\x1b[?1003l\x1b[?1002l\x1b[?1001l\x1b[?1000l\x1b[?1004l"
            "\x1b[?1015l\x1b[?1006l\x1b[?1005l");
}

TEST(DisplayGoldenTest, WholeScreenScrollWithCursorOnLastRow) {
  Emulator e(10, 4);
  e.Write("a\r\nb\r\nc\r\nd");
  Framebuffer a = e.fb();
  e.Write("\r\ne");
  EXPECT_EQ(kServer.NewFrame(true, a, e.fb()), "\x1b[?25l\x1b[0m\r\ne\x1b[?25h");
}

TEST(DisplayGoldenTest, PartialScrollUsesTransientRegion) {
  Emulator e(10, 5);
  e.Write("a\r\nb\r\nc\r\nd\r\nstatus\x1b[1;1H");
  Framebuffer a = e.fb();
  e.Write("\x1b[1;4r\x1b[4;1H\n\ne\x1b[r\x1b[1;1H");
  std::string d = kServer.NewFrame(true, a, e.fb());
  EXPECT_EQ(d, "\x1b[?25l\x1b[0m\x1b[1;4r\n\n\n\n\n\x1b[r\x1b[4;1He\x1b[1;1H\x1b[?25h");
}

TEST(DisplayGoldenTest, WideCharacterInLastColumnIsShiftedIntoPlace) {
  // ICH can leave a wide character in the last column; printing it there
  // would wrap, so the diff prints it one column left and inserts a cell.
  Emulator e(4, 2);
  Framebuffer a = e.fb();
  e.Write("a\xe4\xb8\xad\x1b[1;2H\x1b[2@");
  ASSERT_TRUE(e.fb().row(0).cell(3).wide());
  std::string d = kServer.NewFrame(true, a, e.fb());
  EXPECT_NE(d.find("\x1b[@"), std::string::npos) << d;
  Emulator replica(4, 2, ReplicaOptions());
  ExpectReplicaReaches(&replica, a, e.fb(), d, "wide in last column");
}

TEST(DisplayGoldenTest, TwoWideCharactersEndingTheRowAreShiftedTogether) {
  // DCH and ICH can leave wide characters in both of the last two
  // columns; the second one must not be cleared by reprinting the first.
  Emulator e(6, 2);
  Framebuffer a = e.fb();
  e.Write("ab\xe4\xb8\xad\xe4\xb8\xad\x1b[1;4Hx\x1b[1;4H\x1b[P\x1b[1;3H\x1b[2@");
  ASSERT_TRUE(e.fb().row(0).cell(4).wide());
  ASSERT_TRUE(e.fb().row(0).cell(5).wide());
  Emulator replica(6, 2, ReplicaOptions());
  ExpectReplicaReaches(&replica, a, e.fb(), kServer.NewFrame(true, a, e.fb()), "two wide");
}

TEST(DisplayGoldenTest, WrapMarkOfAnUnchangedRowIsSetOrCleared) {
  // Row 0's text is unchanged but it becomes a soft-wrapped row: its last
  // cell is reprinted so the next row's first print wraps.
  Emulator e(4, 3);
  e.Write("abcd\r\nx");
  Framebuffer a = e.fb();
  Emulator replica(4, 3, ReplicaOptions());
  replica.Write(kServer.NewFrame(false, Framebuffer(4, 3), a));
  e.Write("\x1b[H\x1b[2Kabcde");
  ExpectReplicaReaches(&replica, a, e.fb(), kServer.NewFrame(true, a, e.fb()), "set wrap");
  EXPECT_TRUE(replica.fb().row(0).wrap());
  Framebuffer b = e.fb();
  e.Write("\x1b[1;4Hd\x1b[3;1H");  // rewriting the last cell clears the mark
  ASSERT_FALSE(e.fb().row(0).wrap());
  ExpectReplicaReaches(&replica, b, e.fb(), kServer.NewFrame(true, b, e.fb()), "clear wrap");
  EXPECT_FALSE(replica.fb().row(0).wrap());
}

// ---- Client mode ----

TEST(DisplayClientTest, EmitsRoamAttributesLinksAndCursorShape) {
  Display client(DisplayCapabilities::Client(true, true, true, "[roam] "));
  Emulator e(20, 2);
  Framebuffer a = e.fb();
  e.Write("\x1b]2;t\a\x1b[2;9;4:3mX\x1b]8;id=1;http://x\x1b\\L\x1b]8;;\x1b\\\x1b[0m\x1b[5 q");
  EXPECT_EQ(client.NewFrame(true, a, e.fb()),
            "\x1b]1;[roam] \a\x1b]2;[roam] t\a\x1b[0;2;4:3;9mX\x1b]8;id=1;http://x\aL"
            "\x1b]8;;\a\x1b[0m\x1b[5 q");
}

TEST(DisplayClientTest, TitleEqualToIconGetsThePrefixOnce) {
  Display client(DisplayCapabilities::Client(true, true, true, "[roam] "));
  Emulator e(10, 2);
  Framebuffer a = e.fb();
  e.Write("\x1b]0;vim\a");
  EXPECT_EQ(client.NewFrame(true, a, e.fb()), "\x1b]0;[roam] vim\a");
}

TEST(DisplayClientTest, NoEchNoBceMeansSpaces) {
  Display client(DisplayCapabilities::Client(false, false, false, ""));
  Emulator e(20, 2);
  e.Write("abcdefghijklmnopqrst");
  Framebuffer a = e.fb();
  e.Write("\x1b[1;2H\x1b[6X\x1b[44m\x1b[1;12H\x1b[K\x1b[0m\x1b]0;x\a\x1b[1;1H");
  std::string d = client.NewFrame(true, a, e.fb());
  EXPECT_EQ(d.find("\x1b[6X"), std::string::npos) << d;
  EXPECT_EQ(d.find("\x1b[K"), std::string::npos) << d;
  EXPECT_EQ(d.find("\x1b]"), std::string::npos) << d;  // no titles
  Emulator replica(20, 2, ReplicaOptions());
  replica.Write(client.NewFrame(false, Framebuffer(20, 2), a));
  replica.Write(d);
  EXPECT_EQ(testing::ScreenLines(replica.fb()), testing::ScreenLines(e.fb()));
}

// ---- Scroll cost ----

TEST(DisplayScrollTest, ScrolledScreenCostsAboutTheNewLines) {
  Emulator e(200, 60);
  SeededRandom rng(7);
  for (int r = 0; r < 60; ++r) {
    std::string line;
    for (int c = 0; c < 150; ++c) line.push_back(static_cast<char>('a' + rng.Uniform(26)));
    e.Write(line + "\r\n");
  }
  for (int n : {1, 3, 10}) {
    Framebuffer a = e.fb();
    std::string added;
    for (int i = 0; i < n; ++i) {
      std::string line;
      for (int c = 0; c < 150; ++c) line.push_back(static_cast<char>('A' + rng.Uniform(26)));
      added += line + "\r\n";
    }
    e.Write(added);
    std::string d = kServer.NewFrame(true, a, e.fb());
    EXPECT_LT(d.size(), added.size() + 64u) << n << " lines: " << d.size() << " bytes";
    Emulator replica(200, 60, ReplicaOptions());
    replica.Write(kServer.NewFrame(false, Framebuffer(200, 60), a));
    ExpectReplicaReaches(&replica, a, e.fb(), d, "scroll");
  }
}

// ---- The normal screen (native scrollback) ----

// A terminal that keeps a history as tmux does (ED 2 scrolls the screen into
// it), with junk on its screen and in its history already.
Emulator LocalTerminal(int cols, int rows) {
  EmulatorOptions options;
  options.history_mode = true;
  Emulator local(cols, rows, options);
  for (int i = 0; i < rows + 3; ++i) local.Write("junk\r\n");
  return local;
}

TEST(DisplayNormalScreenTest, FullRedrawRewritesEveryCellWithoutEraseDisplay) {
  DisplayCapabilities caps = DisplayCapabilities::Client(true, true, true, "");
  caps.normal_screen = true;
  const Display normal(caps);
  Framebuffer f = Screen(20, 5, "\x1b[31mred\x1b[m\r\n\r\n  two");
  Emulator local = LocalTerminal(20, 5);
  const uint64_t history = local.scrollback().end_number();
  const std::string bytes = normal.NewFrame(false, Framebuffer(20, 5), f);
  EXPECT_EQ(bytes.find("\x1b[2J"), std::string::npos);
  local.Write(bytes);
  EXPECT_EQ(testing::ScreenLines(local.fb()), testing::ScreenLines(f));
  EXPECT_EQ(local.scrollback().end_number(), history);
}

TEST(DisplayNormalScreenTest, ScrolledScreenIsRewrittenNotScrolled) {
  DisplayCapabilities caps = DisplayCapabilities::Client(true, true, true, "");
  caps.normal_screen = true;
  const Display normal(caps);
  Emulator remote(10, 4);
  remote.Write("a\r\nb\r\nc\r\nd");
  Framebuffer before = remote.fb();
  Emulator local = LocalTerminal(10, 4);
  local.Write(normal.NewFrame(false, Framebuffer(10, 4), before));
  const uint64_t history = local.scrollback().end_number();
  remote.Write("\r\ne\r\nf");
  const std::string bytes = normal.NewFrame(true, before, remote.fb());
  EXPECT_EQ(bytes.find('r'), std::string::npos) << "no scroll region";
  local.Write(bytes);
  EXPECT_EQ(testing::ScreenLines(local.fb()), testing::ScreenLines(remote.fb()));
  EXPECT_EQ(local.scrollback().end_number(), history);
}

// Whatever the screens do, a normal-screen diff reproduces them and puts
// nothing into the terminal's own history.
TEST(DisplayNormalScreenTest, NothingReachesTheTerminalHistory) {
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    SeededRandom rng(seed);
    RandomTerminalInput input(&rng);
    const int cols = 2 + static_cast<int>(rng.Uniform(30));
    const int rows = 1 + static_cast<int>(rng.Uniform(10));
    DisplayCapabilities caps = DisplayCapabilities::Client(seed % 2 == 0, seed % 3 != 0, true, "");
    caps.normal_screen = true;
    const Display normal(caps);
    Emulator remote(cols, rows);
    Emulator local = LocalTerminal(cols, rows);
    const uint64_t history = local.scrollback().end_number();
    Framebuffer shown = remote.fb();
    local.Write(normal.NewFrame(false, shown, shown));
    for (int frame = 0; frame < 20; ++frame) {
      input.Apply(&remote, 1 + static_cast<int>(rng.Uniform(6)));
      const Framebuffer& next = remote.fb();
      local.Write(normal.NewFrame(true, shown, next));
      shown = next;
      Framebuffer drawn = local.fb();
      Framebuffer want = next;
      StripLinksAndAlternateScroll(&drawn);
      StripLinksAndAlternateScroll(&want);
      drawn.set_title(want.title());  // a client never sends a title reset
      std::string why;
      ASSERT_TRUE(DisplayEquivalent(drawn, want, &why))
          << "seed " << seed << " frame " << frame << ": " << why;
      ASSERT_EQ(local.scrollback().end_number(), history) << "seed " << seed << " frame " << frame;
    }
  }
}

// ---- Properties ----

// One server emulator; a replica follows it diff by diff (the real flow,
// with rows shared between snapshots).
TEST(DisplayPropertyTest, ReplicaFollowsServerThroughDiffs) {
  for (uint64_t seed = 1; seed <= 500; ++seed) {
    SeededRandom rng(seed);
    RandomTerminalInput input(&rng);
    // Mostly small screens (edges are dense there), sometimes 80x24.
    const bool big = seed % 10 == 0;
    int cols = big ? 80 : 2 + static_cast<int>(rng.Uniform(30));
    int rows = big ? 24 : 1 + static_cast<int>(rng.Uniform(10));
    Emulator server(cols, rows);
    Framebuffer shown = server.fb();
    Emulator replica(cols, rows, ReplicaOptions());
    for (int frame = 0; frame < 25; ++frame) {
      input.Apply(&server, 1 + static_cast<int>(rng.Uniform(big ? 30 : 6)), big ? 0 : 32, 10);
      const Framebuffer& next = server.fb();
      std::string context = "seed " + std::to_string(seed) + " frame " + std::to_string(frame);
      if (next.width() != replica.fb().width() || next.height() != replica.fb().height()) {
        replica.Resize(next.width(), next.height());
      }
      std::string d = kServer.NewFrame(true, shown, next);
      ExpectReplicaReaches(&replica, shown, next, d, context);
      if (HasFatalFailure()) return;
      shown = next;
    }
  }
}

// Independent A and B from a common ancestor; the diff applies to a
// replica that reached A by a first-frame draw.
TEST(DisplayPropertyTest, DiffBetweenDivergentStates) {
  for (uint64_t seed = 1; seed <= 3000; ++seed) {
    SeededRandom common(seed);
    SeededRandom rng_a(seed * 7919 + 1);
    SeededRandom rng_b(seed * 7919 + 2);
    int cols = 2 + static_cast<int>(common.Uniform(20));
    int rows = 1 + static_cast<int>(common.Uniform(8));
    Emulator ea(cols, rows);
    Emulator eb(cols, rows);
    const uint64_t prefix_seed = common.Next();
    SeededRandom pa(prefix_seed);
    SeededRandom pb(prefix_seed);
    RandomTerminalInput(&pa).Apply(&ea, 15);
    RandomTerminalInput(&pb).Apply(&eb, 15);
    RandomTerminalInput(&rng_a).Apply(&ea, static_cast<int>(rng_a.Uniform(10)), 24, 8);
    RandomTerminalInput(&rng_b).Apply(&eb, static_cast<int>(rng_b.Uniform(10)), 24, 8);
    const Framebuffer& a = ea.fb();
    const Framebuffer& b = eb.fb();
    std::string context = "seed " + std::to_string(seed);

    Emulator replica(a.width(), a.height(), ReplicaOptions());
    Framebuffer blank(a.width(), a.height());
    ExpectReplicaReaches(&replica, blank, a, kServer.NewFrame(false, blank, a), context + " A");
    if (HasFatalFailure()) return;
    if (b.width() != a.width() || b.height() != a.height()) replica.Resize(b.width(), b.height());
    ExpectReplicaReaches(&replica, a, b, kServer.NewFrame(true, a, b), context + " A->B");
    if (HasFatalFailure()) return;

    // And the client display, drawing on a terminal emulated by roam. The
    // display's model of a terminal erases as Mosh does: a screen with half
    // of a wide character (ICH inside one leaves that) cannot be drawn on a
    // terminal that erases whole wide characters.
    Display client(DisplayCapabilities::Client(seed % 2 == 0, seed % 3 != 0, true, ""));
    Emulator local(b.width(), b.height(), ReplicaOptions());
    local.Write(client.NewFrame(false, Framebuffer(b.width(), b.height()), b));
    Framebuffer drawn = local.fb();
    Framebuffer want = b;
    StripLinksAndAlternateScroll(&drawn);
    StripLinksAndAlternateScroll(&want);
    std::string why;
    EXPECT_TRUE(DisplayEquivalent(drawn, want, &why)) << context << " client: " << why;
  }
}

}  // namespace
}  // namespace roam::term
