// Writes the seed corpora of the channel fuzz targets, each file named for
// what it holds. Usage: channel_fuzz_seeds <repo>/fuzz
// Packets come from the real encoder and from two real Muxes talking; the
// mux scripts from FuzzScriptWriter and frame_script.h — so the seeds stay
// meaningful when the code changes: regenerate and check them in.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "base/byte_writer.h"
#include "base/clock.h"
#include "base/varint.h"
#include "channel/frame.h"
#include "channel/frame_script.h"
#include "channel/mux.h"
#include "channel/mux_script.h"
#include "ssp/fuzz_script.h"

namespace {

namespace fs = std::filesystem;
using namespace roam::channel;
using roam::fuzz::FuzzScriptWriter;

fs::path g_root;

void Write(const std::string& target_dir, const std::string& name, const std::string& bytes) {
  fs::path dir = g_root / target_dir;
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string Packet(uint64_t pn, const std::vector<Frame>& frames) {
  std::string out;
  roam::ByteWriter w(&out);
  EncodePacketHeader(pn, &w);
  for (const Frame& f : frames) EncodeFrame(f, &w);
  return out;
}

// --- packet_decode: one channel packet ---

// Packets two real Muxes exchange while one channel echoes some bytes.
struct Captured {
  std::string open_request;   // the client's first packet
  std::string data_and_ack;   // a full data packet that also acknowledges
  std::string ack_only;       // a packet with only an ACK (and padding)
  std::string window_update;  // a packet with MAX_STREAM_DATA or MAX_DATA
};

Captured CaptureTraffic() {
  roam::FakeClock clock;
  MuxConfig config;
  config.stream_window = 32 * 1024;
  Mux client(Side::kClient, config, LocalParameters(config), clock.Now());
  Mux server(Side::kServer, config, LocalParameters(config), clock.Now());
  Captured c;
  const uint64_t id = *client.Open("echo", clock.Now());
  (void)client.Write(id, std::string(100 * 1024, 'e'));
  for (int turn = 0; turn < 400; ++turn) {
    for (const MuxEvent& e : server.TakeEvents()) {
      if (e.kinds & MuxEvent::kIncoming) (void)server.Accept(e.id);
    }
    std::string sink;
    server.Read(id, &sink, 1 << 20);
    for (int i = 0; i < 64; ++i) {
      std::optional<std::string> p = client.NextPacket(clock.Now(), 1224);
      if (!p) break;
      roam::Result<DecodedPacket> d = DecodePacket(*p);
      bool has_ack = false;
      bool has_stream = false;
      for (const Frame& f : d->frames) {
        has_ack |= std::holds_alternative<AckFrame>(f);
        has_stream |= std::holds_alternative<StreamFrame>(f);
      }
      if (c.open_request.empty()) c.open_request = *p;
      if (c.data_and_ack.empty() && has_ack && has_stream && p->size() > 1000) c.data_and_ack = *p;
      server.OnPacket(*p, clock.Now());
    }
    for (int i = 0; i < 64; ++i) {
      std::optional<std::string> p = server.NextPacket(clock.Now(), 1224);
      if (!p) break;
      roam::Result<DecodedPacket> d = DecodePacket(*p);
      bool only_ack = true;
      for (const Frame& f : d->frames) {
        if (std::holds_alternative<MaxStreamDataFrame>(f) ||
            std::holds_alternative<MaxDataFrame>(f)) {
          if (c.window_update.empty()) c.window_update = *p;
        }
        only_ack &= std::holds_alternative<AckFrame>(f) || std::holds_alternative<PaddingFrame>(f);
      }
      if (only_ack && c.ack_only.empty()) c.ack_only = *p;
      client.OnPacket(*p, clock.Now());
    }
    clock.Advance(roam::Millis(5));
  }
  return c;
}

void PacketDecodeSeeds() {
  const std::string dir = "channel/corpus/channel_packet_decode";
  Write(dir, "ping", Packet(0, {PingFrame{}}));
  Write(dir, "padding_around_ping", Packet(1, {PaddingFrame{3}, PingFrame{}, PaddingFrame{6}}));
  Write(dir, "ack_one_range", Packet(2, {AckFrame{{{5, 10}}, 25}}));
  Write(dir, "ack_three_ranges", Packet(3, {AckFrame{{{90, 100}, {40, 60}, {0, 20}}, 4000}}));
  Write(dir, "reset_stream", Packet(4, {ResetStreamFrame{4, 2, 1000}}));
  Write(dir, "stop_sending", Packet(5, {StopSendingFrame{5, 1}}));
  Write(dir, "stream_offset_fin", Packet(6, {StreamFrame{1, 70000, "tail", true}}));
  Write(dir, "stream_without_length",
        Packet(7, {}) + std::string("\x08\x04") + std::string("runs to the end"));
  Write(dir, "window_frames",
        Packet(8, {MaxDataFrame{1 << 24}, MaxStreamDataFrame{8, 1 << 16}, MaxStreamsFrame{128}}));
  Write(dir, "blocked_frames",
        Packet(9, {DataBlockedFrame{100}, StreamDataBlockedFrame{0, 7}, StreamsBlockedFrame{3}}));
  Write(dir, "every_frame_type",
        Packet(roam::kVarintMax,
               {PingFrame{}, AckFrame{{{7, 9}, {1, 3}}, 12}, ResetStreamFrame{4, 1, 9},
                StopSendingFrame{8, 2}, StreamFrame{12, 3, "abc", true}, MaxDataFrame{99},
                MaxStreamDataFrame{4, 77}, MaxStreamsFrame{5}, DataBlockedFrame{1},
                StreamDataBlockedFrame{4, 2}, StreamsBlockedFrame{3}, PaddingFrame{4}}));
  // Malformed: the decoder must refuse these whole.
  Write(dir, "unknown_frame_type", Packet(10, {PingFrame{}}) + std::string("\x1e", 1));
  Write(dir, "ack_below_zero", Packet(11, {}) + std::string("\x02\x03\x00\x00\x04", 5));
  Write(dir, "ack_too_many_ranges",
        Packet(12, {}) + std::string("\x02\x80\x00\x10\x00\x00\x41\x00\x00", 9));
  std::string past;
  roam::ByteWriter w(&past);
  EncodePacketHeader(13, &w);
  w.WriteU8(kFrameStream | kStreamBitOff | kStreamBitLen);
  roam::WriteVarint(&w, 0);
  roam::WriteVarint(&w, roam::kVarintMax);
  roam::WriteVarint(&w, 1);
  w.WriteU8('x');
  Write(dir, "stream_past_2_62", past);
  const std::string data = Packet(14, {StreamFrame{0, 0, "truncated data", false}});
  Write(dir, "stream_cut_short", data.substr(0, data.size() - 3));

  const Captured c = CaptureTraffic();
  Write(dir, "mux_open_request", c.open_request);
  Write(dir, "mux_data_and_ack", c.data_and_ack);
  Write(dir, "mux_ack_only", c.ack_only);
  Write(dir, "mux_window_update", c.window_update);
}

// --- mux: MuxScript ---

class MuxScript {
 public:
  MuxScript& PeerSend(uint8_t flags = 0) {
    Op(roam::fuzz::kMuxOpPeerSend).U8(flags);
    return *this;
  }
  MuxScript& TargetSend(uint8_t flags = 0) {
    Op(roam::fuzz::kMuxOpTargetSend).U8(flags);
    return *this;
  }
  MuxScript& Forged(uint64_t pn, const std::vector<Frame>& frames) {
    Op(roam::fuzz::kMuxOpForged);
    roam::fuzz::WritePacket(w_, pn, frames);
    return *this;
  }
  MuxScript& Raw(const std::string& bytes) {
    Op(roam::fuzz::kMuxOpRaw);
    w_.Bytes(bytes);
    return *this;
  }
  MuxScript& Replay(uint8_t index) {
    Op(roam::fuzz::kMuxOpReplay).U8(index);
    return *this;
  }
  MuxScript& Advance(uint16_t ms) {
    Op(roam::fuzz::kMuxOpAdvance).U16(ms);
    return *this;
  }
  MuxScript& Open(uint8_t side, const std::string& request) {
    Op(roam::fuzz::kMuxOpOpen).U8(side);
    w_.Bytes(request);
    return *this;
  }
  MuxScript& WriteBytes(uint8_t side, uint8_t selector, uint16_t n) {
    Op(roam::fuzz::kMuxOpWrite).U8(side).U8(selector).U16(n);
    return *this;
  }
  MuxScript& Read(uint8_t side, uint8_t selector, uint16_t max = 65535) {
    Op(roam::fuzz::kMuxOpRead).U8(side).U8(selector).U16(max);
    return *this;
  }
  MuxScript& CloseWrite(uint8_t side, uint8_t selector) {
    Op(roam::fuzz::kMuxOpCloseWrite).U8(side).U8(selector);
    return *this;
  }
  MuxScript& Reset(uint8_t side, uint8_t selector, uint64_t code) {
    Op(roam::fuzz::kMuxOpReset).U8(side).U8(selector).U64(code);
    return *this;
  }
  MuxScript& Release(uint8_t side, uint8_t selector) {
    Op(roam::fuzz::kMuxOpRelease).U8(side).U8(selector);
    return *this;
  }
  MuxScript& Answer(uint8_t side, uint8_t selector, bool accept, const std::string& reason = "") {
    Op(roam::fuzz::kMuxOpAnswer).U8(side);
    w_.U8(selector).U8(accept ? 1 : 0).Bytes(reason);
    return *this;
  }
  MuxScript& PathChange() {
    Op(roam::fuzz::kMuxOpPathChange);
    return *this;
  }
  MuxScript& Exchange(uint8_t rounds) {
    Op(roam::fuzz::kMuxOpExchange).U8(rounds);
    return *this;
  }
  const std::string& data() const { return w_.data(); }

 private:
  FuzzScriptWriter& Op(roam::fuzz::MuxOp op) { return w_.U8(op); }
  FuzzScriptWriter w_;
};

constexpr uint8_t kTarget = 0;
constexpr uint8_t kPeer = 1;

void MuxSeeds() {
  const std::string dir = "channel/corpus/channel_mux";
  {
    MuxScript s;  // the peer opens, the target accepts, bytes both ways, both close
    s.Open(kPeer, "echo").Exchange(2).Answer(kTarget, 0, true).Exchange(2);
    s.WriteBytes(kPeer, 0, 5000).Exchange(3).Read(kTarget, 0).WriteBytes(kTarget, 0, 3000);
    s.Exchange(3).Read(kPeer, 0).CloseWrite(kPeer, 0).CloseWrite(kTarget, 0).Exchange(2);
    s.Read(kTarget, 0).Read(kPeer, 0).Release(kPeer, 0).Release(kTarget, 0).Exchange(4);
    Write(dir, "open_accept_echo_close", s.data());
  }
  {
    MuxScript s;
    s.Open(kPeer, "please").WriteBytes(kPeer, 0, 2000).Exchange(2);
    s.Answer(kTarget, 0, false, "not allowed here").Exchange(4).Release(kPeer, 0).Exchange(4);
    Write(dir, "refusal_with_reason", s.data());
  }
  {
    MuxScript s;  // the target opens towards the peer
    s.Open(kTarget, "from the server").Exchange(2).Answer(kPeer, 0, true).Exchange(2);
    s.WriteBytes(kTarget, 0, 20000).Exchange(6).Read(kPeer, 0).Exchange(6);
    Write(dir, "target_opens", s.data());
  }
  {
    MuxScript s;  // open, write, close and release before the answer: STOP_SENDING first
    s.Open(kPeer, "fire and forget").WriteBytes(kPeer, 0, 300).CloseWrite(kPeer, 0);
    s.Release(kPeer, 0).PeerSend().Answer(kTarget, 0, true).Exchange(4);
    Write(dir, "stop_sending_before_accept", s.data());
  }
  {
    MuxScript s;  // either side closes its write side before it answers
    s.Open(kPeer, "to the target").Open(kTarget, "to the peer").Exchange(2);
    s.CloseWrite(kTarget, 0).Answer(kTarget, 0, true).CloseWrite(kPeer, 0);
    s.Answer(kPeer, 0, false, "closed first").Exchange(4).Read(kPeer, 0).Exchange(2);
    Write(dir, "close_write_before_the_answer", s.data());
  }
  {
    MuxScript s;  // three channels, two never read: the third must still flow
    s.Open(kPeer, "a").Open(kPeer, "b").Open(kPeer, "c").Exchange(2);
    for (uint8_t i = 0; i < 3; ++i) s.Answer(kTarget, i, true);
    for (uint8_t i = 0; i < 3; ++i) s.WriteBytes(kPeer, i, 20000);
    s.Exchange(8);
    for (int i = 0; i < 6; ++i) s.Read(kTarget, 2).WriteBytes(kPeer, 2, 20000).Exchange(4);
    Write(dir, "stalled_channels_hold_the_session_window", s.data());
  }
  {
    MuxScript s;  // loss both ways, probes, a path change
    s.Open(kPeer, "lossy").Exchange(2).Answer(kTarget, 0, true).WriteBytes(kPeer, 0, 30000);
    for (int i = 0; i < 10; ++i) s.PeerSend(i % 3 == 0 ? 1 : 0).TargetSend(i % 4 == 0 ? 1 : 2);
    s.Advance(400).PeerSend().PathChange().Advance(1200).Exchange(8).Read(kTarget, 0);
    Write(dir, "loss_probes_and_path_change", s.data());
  }
  {
    MuxScript s;  // forged ids: the target's own never opened, unidirectional, far beyond
    s.Forged(1000,
             {StreamFrame{1, 0, "forged", false}, MaxStreamDataFrame{5, 99},
              ResetStreamFrame{9, 1, 0}, StopSendingFrame{13, 1}, StreamFrame{2, 0, "uni", false},
              StreamFrame{uint64_t{4} << 40, 0, "far", true}});
    s.Forged(1001, {StreamFrame{4 * 5, 0, "", false}, MaxStreamDataFrame{4 * 6, 1}});
    Write(dir, "forged_ids", s.data());
  }
  {
    MuxScript s;  // a request header longer than allowed, then one cut short by a FIN
    s.Forged(7, {StreamFrame{0, 0, std::string("\xbf\xff\xff\xff", 4), false}});
    s.Forged(8, {StreamFrame{4, 0, std::string("\x0a\x61\x62", 3), true}});
    Write(dir, "bad_request_headers", s.data());
  }
  {
    MuxScript s;  // windows: beyond the stream and session limits, resets beyond them
    s.Open(kPeer, "w").Exchange(2).Answer(kTarget, 0, true);
    s.Forged(500, {StreamFrame{0, 16 * 1024, "x", false}, StreamFrame{0, 1 << 30, "y", false}});
    s.Forged(501, {ResetStreamFrame{8, 1, 17 * 1024}, ResetStreamFrame{12, 1, roam::kVarintMax}});
    s.Forged(502, {MaxDataFrame{roam::kVarintMax}, MaxStreamDataFrame{0, roam::kVarintMax},
                   MaxStreamsFrame{roam::kVarintMax}});
    s.WriteBytes(kTarget, 0, 60000).Exchange(4);
    Write(dir, "window_violations_and_absurd_windows", s.data());
  }
  {
    MuxScript s;  // final sizes that contradict each other
    s.Forged(20, {StreamFrame{0, 0, std::string("\x01q", 2), true},
                  StreamFrame{0, 0, std::string("\x01qq", 3), true}, StreamFrame{0, 5, "z", false},
                  ResetStreamFrame{0, 3, 1}, ResetStreamFrame{0, 3, 2}});
    Write(dir, "contradictory_final_sizes", s.data());
  }
  {
    MuxScript s;  // replays, garbage and acknowledgements of packets never sent
    s.Open(kPeer, "r").PeerSend().PeerSend().Replay(0).Replay(1).Replay(200);
    s.Raw(std::string("\x81\x05\x03", 3)).Raw("").Raw(std::string(300, '\xff'));
    s.Forged(3, {AckFrame{{{900, 1000}}, 5}});
    Write(dir, "replays_garbage_bad_acks", s.data());
  }
  {
    MuxScript s;  // a peer that opens channel after channel, resetting each
    for (uint8_t i = 0; i < 12; ++i) {
      s.Forged(100 + i, {StreamFrame{uint64_t{4} * i, 0, std::string("\x01x", 2), false}});
      s.Answer(kTarget, i, i % 2 == 0).Forged(200 + i, {ResetStreamFrame{uint64_t{4} * i, 0, 2}});
      s.TargetSend().Exchange(1);
    }
    Write(dir, "open_reset_cycle", s.data());
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: channel_fuzz_seeds <repo>/fuzz\n");
    return 2;
  }
  g_root = argv[1];
  PacketDecodeSeeds();
  MuxSeeds();
  return 0;
}
