// Hostile channel datagrams at the session level: authentic datagrams (the
// peer has the key) carrying malformed, truncated, oversized and replayed
// channel packets reach the real ServerCore between honest traffic. They
// must be dropped and counted, memory must stay within the windows, and
// typing and channels must go on working. A client that never said Hello
// gets none of its channel packets looked at.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "integration/session/core_harness.h"
#include "wire/channel_open.pb.h"

namespace roam::testing {
namespace {

using namespace std::chrono_literals;

CoreHarnessOptions CleanOptions() {
  netsim::LinkConfig link;
  link.delay = 20ms;
  CoreHarnessOptions o;
  o.up = link;
  o.down = link;
  o.channels.stream_window = 256 * 1024;
  o.channels.session_window = 1 << 20;
  o.channels.stream_send_buffer = 256 * 1024;
  o.channels.max_incoming_channels = 16;
  return o;
}

std::string EchoRequest() {
  RoamChannel::OpenRequest request;
  request.mutable_echo();
  return request.SerializeAsString();
}

class HostileChannelTest : public ::testing::Test {
 protected:
  HostileChannelTest() : h_(11, CleanOptions()) {
    h_.on_send = [this](bool to_server, const std::string& bytes) {
      if (to_server) captured_.push_back(bytes);
    };
  }

  // The client's key seals `payload` as one of its datagrams, and the
  // server gets it at once from the client's current address.
  void Inject(std::string payload) {
    if (payload.size() < 10) payload.resize(10, '\0');
    Result<net::OutgoingDatagram> d = h_.client().transport().SealExtension(payload, h_.Now());
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    h_.server().Receive(d->bytes, h_.ClientAddr(d->socket_id), 0, false, h_.Now());
  }

  // An echo channel moving `n` bytes there and back; true when they came
  // back intact.
  bool EchoWorks(size_t n, Duration limit = 30s) {
    channel::Mux* mux = h_.client().mux();
    Result<uint64_t> id = mux->Open(EchoRequest(), h_.Now());
    if (!id.ok()) return false;
    std::string data(n, '\0');
    for (size_t i = 0; i < n; ++i) data[i] = static_cast<char>(i * 31 % 251);
    size_t written = 0;
    std::string back;
    bool eof = false;
    h_.application = [&](TimePoint) {
      if (written < data.size()) {
        written += mux->Write(*id, std::string_view(data).substr(written));
        if (written == data.size()) mux->CloseWrite(*id);
      }
      mux->Read(*id, &back, 1 << 20);
      std::optional<channel::ChannelInfo> info = mux->Info(*id);
      if (info && info->eof && !eof) {
        eof = true;
        mux->Release(*id);
      }
    };
    const bool done = h_.RunFor(limit, [&] { return eof; });
    h_.application = nullptr;
    return done && back == data;
  }

  bool TypingWorks(const std::string& word) {
    h_.Type(word + "\r");
    return h_.RunFor(10s, [&] {
      for (int row = 0; row < 24; ++row) {
        if (RowText(h_.remote_screen(), row) == "$ " + word) return true;
      }
      return false;
    });
  }

  void ExpectBoundedServerMemory() {
    const channel::MuxConfig c = CleanOptions().channels;
    channel::Mux* mux = h_.server().mux();
    ASSERT_NE(mux, nullptr);
    EXPECT_LE(mux->buffered_bytes(),
              c.session_window + mux->channel_count() * c.stream_send_buffer);
    EXPECT_LE(mux->channel_count(), c.max_incoming_channels);
  }

  CoreHarness h_;
  std::vector<std::string> captured_;
};

TEST_F(HostileChannelTest, MalformedTruncatedAndOversizedPacketsAreDroppedAndCounted) {
  ASSERT_TRUE(h_.RunFor(5s, [&] { return h_.server().mux() && h_.client().mux(); }));
  ASSERT_TRUE(EchoWorks(64 * 1024));
  const uint64_t before = h_.server().mux()->stats().packets_malformed;
  const std::vector<std::string> hostile = {
      std::string("\x81\x05\x1e", 3),                      // an unknown frame type
      std::string("\x80\x05\x01", 3),                      // the extension bit, not the marker
      std::string(200, '\xff'),                            // all ones
      std::string("\x81\x05\x0a\x00\x80\x01\x00\x00", 8),  // STREAM cut short (64 KiB promised)
      std::string("\x81\x05\x02\x0a\x00\x00\x0b", 7),      // ACK running below zero
      std::string("\x81\x05\x04\x04\x01\xc0\x00\x00\x00\x00", 10),  // RESET_STREAM cut short
      // STREAM promising 2^30 bytes, with 1900 behind it (a datagram of
      // the largest size the datagram layer takes)
      std::string("\x81\x05\x0a\x00\xbf\xff\xff\xff", 8) + std::string(1900, 'o'),
  };
  for (const std::string& p : hostile) Inject(p);
  EXPECT_EQ(h_.server().mux()->stats().packets_malformed - before, hostile.size());
  // A datagram over the datagram layer's limit never reaches the channels.
  const uint64_t oversize = h_.server().connection().stats().dropped_oversize;
  Inject(std::string("\x81\x05\x0a\x00\xbf\xff\xff\xff", 8) + std::string(60000, 'o'));
  EXPECT_EQ(h_.server().connection().stats().dropped_oversize, oversize + 1);
  ExpectBoundedServerMemory();
  EXPECT_TRUE(TypingWorks("after the garbage"));
  EXPECT_TRUE(EchoWorks(128 * 1024));
}

TEST_F(HostileChannelTest, ReplayedDatagramsChangeNothing) {
  ASSERT_TRUE(h_.RunFor(5s, [&] { return h_.server().mux() && h_.client().mux(); }));
  ASSERT_TRUE(EchoWorks(64 * 1024));
  ASSERT_TRUE(TypingWorks("first"));
  h_.RunFor(1s);
  const uint64_t duplicates = h_.server().mux()->stats().packets_duplicate;
  const uint64_t received = h_.server().mux()->stats().packets_received;
  const std::vector<std::string> old = captured_;
  for (const std::string& d : old) h_.server().Receive(d, h_.ClientAddr(0), 0, false, h_.Now());
  // Every channel packet among them was seen before.
  EXPECT_GT(h_.server().mux()->stats().packets_duplicate, duplicates + 50);
  EXPECT_EQ(h_.server().mux()->stats().packets_received, received);
  ExpectBoundedServerMemory();
  EXPECT_TRUE(TypingWorks("second"));
  EXPECT_TRUE(EchoWorks(64 * 1024));
}

TEST(HostileChannelWithoutHelloTest, ChannelPacketsFromAClientThatNeverSaidHelloAreDropped) {
  CoreHarnessOptions o = CleanOptions();
  o.client_extensions = false;
  CoreHarness h(12, o);
  ASSERT_TRUE(h.RunFor(5s, [&] { return RowText(h.remote_screen(), 0) == "$"; }));
  for (int i = 0; i < 20; ++i) {
    Result<net::OutgoingDatagram> d = h.client().transport().SealExtension(
        std::string("\x81\x00\x08\x00", 4) + std::string(20, 'x'), h.Now());
    ASSERT_TRUE(d.ok());
    h.server().Receive(d->bytes, h.ClientAddr(d->socket_id), 0, false, h.Now());
  }
  EXPECT_EQ(h.server().mux(), nullptr);
  EXPECT_EQ(h.server().transport().stats().receiver.extension_dropped, 20u);
  h.Type("ok\r");
  EXPECT_TRUE(h.RunFor(5s, [&] { return RowText(h.remote_screen(), 0) == "$ ok"; }));
}

}  // namespace
}  // namespace roam::testing
