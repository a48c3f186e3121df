#include "bootstrap/connect_line.h"

#include <gtest/gtest.h>

namespace roam::bootstrap {
namespace {

constexpr std::string_view kKey = "bwDfQBWxAHCQ1r/oYHiRsA";

TEST(ConnectLineTest, FormatWithoutTty) {
  EXPECT_EQ(FormatConnectLine(60001, kKey, false), "MOSH CONNECT 60001 bwDfQBWxAHCQ1r/oYHiRsA\n");
}

TEST(ConnectLineTest, FormatWithTtyHasPreamble) {
  EXPECT_EQ(FormatConnectLine(60001, kKey, true),
            "\r\n\nMOSH CONNECT 60001 bwDfQBWxAHCQ1r/oYHiRsA\n");
}

TEST(ConnectLineTest, ClassifyConnect) {
  BootstrapLine line = ClassifyBootstrapLine("MOSH CONNECT 60001 bwDfQBWxAHCQ1r/oYHiRsA\r");
  ASSERT_EQ(line.kind, BootstrapLine::Kind::kConnect);
  EXPECT_EQ(line.connect, (ConnectInfo{60001, std::string(kKey)}));
  EXPECT_EQ(ClassifyBootstrapLine("MOSH CONNECT 1 AAAAAAAAAAAAAAAAAAAAAA  \t").kind,
            BootstrapLine::Kind::kConnect);
}

TEST(ConnectLineTest, ClassifyRejectsNearMisses) {
  for (const char* text : {
           "MOSH CONNECT 60001 bwDfQBWxAHCQ1r/oYHiRs",     // 21 characters
           "MOSH CONNECT 60001 bwDfQBWxAHCQ1r/oYHiRsAA",   // 23 characters
           "MOSH CONNECT 60001 bwDfQBWxAHCQ1r-oYHiRsA",    // not base64
           "MOSH CONNECT 0 bwDfQBWxAHCQ1r/oYHiRsA",        // port 0
           "MOSH CONNECT 65536 bwDfQBWxAHCQ1r/oYHiRsA",    // port too big
           "MOSH CONNECT x bwDfQBWxAHCQ1r/oYHiRsA",        // no port
           "MOSH CONNECT 60001  bwDfQBWxAHCQ1r/oYHiRsA",   // two spaces
           "xMOSH CONNECT 60001 bwDfQBWxAHCQ1r/oYHiRsA",   // not at line start
           "MOSH CONNECT 60001 bwDfQBWxAHCQ1r/oYHiRsA x",  // trailing text
           "mosh connect 60001 bwDfQBWxAHCQ1r/oYHiRsA",
       }) {
    EXPECT_EQ(ClassifyBootstrapLine(text).kind, BootstrapLine::Kind::kOther) << text;
  }
}

TEST(ConnectLineTest, ClassifyIpAndSshConnection) {
  BootstrapLine ip = ClassifyBootstrapLine("MOSH IP 127.0.0.1\r");
  EXPECT_EQ(ip.kind, BootstrapLine::Kind::kIp);
  EXPECT_EQ(ip.text, "127.0.0.1");
  EXPECT_EQ(ClassifyBootstrapLine("MOSH IP a b").kind, BootstrapLine::Kind::kOther);
  BootstrapLine ssh = ClassifyBootstrapLine("MOSH SSH_CONNECTION 1.2.3.4 5 6.7.8.9 22");
  EXPECT_EQ(ssh.kind, BootstrapLine::Kind::kSshConnection);
  EXPECT_EQ(ssh.text, "1.2.3.4 5 6.7.8.9 22");
}

TEST(ConnectLineScannerTest, RealPtyCaptureWithBannerAfterwards) {
  ConnectLineScanner scanner;
  std::string shown = scanner.Feed(
      "\r\r\n\r\nMOSH CONNECT 60001 bwDfQBWxAHCQ1r/oYHiRsA\r\n\r\nmosh-server (mosh 1.4.0)\r\n");
  ASSERT_TRUE(scanner.done());
  EXPECT_EQ(*scanner.connect(), (ConnectInfo{60001, std::string(kKey)}));
  // The blank preamble lines are passed through; after the CONNECT line all
  // bytes are returned unchanged.
  EXPECT_EQ(shown, "\r\r\n\r\n\r\nmosh-server (mosh 1.4.0)\r\n");
}

TEST(ConnectLineScannerTest, ByteAtATime) {
  const std::string input =
      "Warning: Permanently added 'host'\r\nMOSH IP ::1\nMOSH CONNECT 60002 "
      "AAAAAAAAAAAAAAAAAAAAAA\r\n";
  ConnectLineScanner scanner;
  std::string shown;
  for (char c : input) shown += scanner.Feed(std::string_view(&c, 1));
  EXPECT_EQ(shown, "Warning: Permanently added 'host'\r\n");
  EXPECT_EQ(scanner.ip(), "::1");
  ASSERT_TRUE(scanner.done());
  EXPECT_EQ(scanner.connect()->port, 60002);
}

TEST(ConnectLineScannerTest, NoConnectLine) {
  ConnectLineScanner scanner;
  std::string shown = scanner.Feed("bash: roam-server: command not found\r\npartial");
  EXPECT_EQ(shown, "bash: roam-server: command not found\r\n");
  EXPECT_FALSE(scanner.done());
  EXPECT_EQ(scanner.Finish(), "partial");
  EXPECT_FALSE(scanner.done());
}

TEST(ConnectLineScannerTest, ConnectLineWithoutNewlineAtEof) {
  ConnectLineScanner scanner;
  EXPECT_EQ(scanner.Feed("MOSH CONNECT 60003 AAAAAAAAAAAAAAAAAAAAAA"), "");
  EXPECT_FALSE(scanner.done());
  EXPECT_EQ(scanner.Finish(), "");
  ASSERT_TRUE(scanner.done());
  EXPECT_EQ(scanner.connect()->port, 60003);
}

TEST(ConnectLineScannerTest, SshConnectionLineGivesServerIp) {
  ConnectLineScanner scanner;
  EXPECT_EQ(scanner.Feed("\nMOSH SSH_CONNECTION 10.0.0.9 5555 10.0.0.1 22\n"), "\n");
  EXPECT_EQ(scanner.ssh_connection_ip(), "10.0.0.1");
}

TEST(ConnectLineScannerTest, OverlongLineIsPassedThroughNotBuffered) {
  ConnectLineScanner scanner;
  std::string big(ConnectLineScanner::kMaxLineBytes + 10, 'x');
  EXPECT_EQ(scanner.Feed(big), big);
  EXPECT_EQ(scanner.Feed("y\nMOSH CONNECT 7 AAAAAAAAAAAAAAAAAAAAAA\n"), "y\n");
  EXPECT_TRUE(scanner.done());
}

TEST(ConnectLineScannerTest, NotesAreKeptForTheUserAndNotShownAsOutput) {
  ConnectLineScanner scanner;
  const std::string shown = scanner.Feed(
      "welcome\nROAM NOTE agent forwarding is disabled on this server  \r\n"
      "ROAM NOTE \nROAM NOTE bad\x1b[2Jescape\nROAM TCP 6000\nMOSH CONNECT 60001 "
      "AAAAAAAAAAAAAAAAAAAAAA\n");
  EXPECT_EQ(shown, "welcome\nROAM NOTE \nROAM NOTE bad\x1b[2Jescape\n");
  ASSERT_EQ(scanner.notes().size(), 1u);
  EXPECT_EQ(scanner.notes()[0], "agent forwarding is disabled on this server");
  EXPECT_EQ(scanner.tcp_port(), 6000);
  EXPECT_TRUE(scanner.done());
}

TEST(ConnectLineScannerTest, NotesAreBounded) {
  ConnectLineScanner scanner;
  for (int i = 0; i < 100; ++i) scanner.Feed("ROAM NOTE again\n");
  EXPECT_EQ(scanner.notes().size(), ConnectLineScanner::kMaxNotes);
}

}  // namespace
}  // namespace roam::bootstrap
