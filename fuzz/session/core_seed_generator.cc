// Writes the seed corpora of the session-core fuzz targets (client_core_receive
// in fuzz/client, session_cores and channel_request in fuzz/session), each
// file named for what it holds. Usage: session_fuzz_seeds <repo>/fuzz
// The scripts come from FuzzScriptWriter with the op numbers of
// core_script.h and frame_script.h, so the seeds stay meaningful when the
// code changes: regenerate and check them in.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "base/varint.h"
#include "channel/frame.h"
#include "channel/frame_script.h"
#include "session/core_script.h"
#include "ssp/fuzz_script.h"
#include "wire/channel_open.pb.h"

namespace {

namespace fs = std::filesystem;
using namespace roam::fuzz;
using roam::channel::AckFrame;
using roam::channel::Frame;
using roam::channel::MaxStreamsFrame;
using roam::channel::StreamFrame;

fs::path g_root;

void Write(const std::string& target_dir, const std::string& name, const std::string& bytes) {
  fs::path dir = g_root / target_dir;
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// The client's channel calls (ChannelCall), shared by both core scripts.
class Calls {
 public:
  explicit Calls(FuzzScriptWriter* w) : w_(w) {}
  void Open(uint8_t kind, uint16_t source_bytes = 0, const std::string& raw = "") {
    w_->U8(kCallOpen).U8(0).U8(kind).U16(source_bytes).Bytes(raw);
  }
  void WriteBytes(uint8_t selector, uint16_t n) { w_->U8(kCallWrite).U8(selector).U16(n); }
  void Read(uint8_t selector) { w_->U8(kCallRead).U8(selector); }
  void Close(uint8_t selector) { w_->U8(kCallClose).U8(selector); }
  void Reset(uint8_t selector, uint8_t code) { w_->U8(kCallReset).U8(selector).U8(code); }
  void Release(uint8_t selector) { w_->U8(kCallRelease).U8(selector); }
  void Answer(uint8_t selector, bool accept) {
    w_->U8(kCallAccept).U8(selector).U8(accept ? 1 : 0);
  }

 private:
  FuzzScriptWriter* w_;
};

// --- client_core_receive ---

struct Welcome {
  uint8_t version = 1;
  uint64_t features = 1;
  uint64_t max_data = 96 * 1024;
  uint64_t max_stream_data = 32 * 1024;
  uint64_t max_streams = 8;
};

class ClientScript {
 public:
  // A HostMessage instruction from state `old_num` to `new_num`; the
  // instructions are written by `body` with the helpers below.
  ClientScript& Host(uint64_t old_num, uint64_t new_num, uint8_t flags, uint8_t count) {
    w_.U8(kCrHostMessage).U64(old_num).U64(new_num).U64(0).U64(old_num).U8(flags).U8(count);
    return *this;
  }
  ClientScript& Bytes(const std::string& bytes) {
    w_.U8(kHostBytes).Bytes(bytes);
    return *this;
  }
  ClientScript& Resize(uint16_t w, uint16_t h) {
    w_.U8(kHostResize).U16(w).U16(h);
    return *this;
  }
  ClientScript& EchoAck(uint64_t n) {
    w_.U8(kHostEchoAck).U64(n);
    return *this;
  }
  ClientScript& WelcomeWith(const Welcome& hello) {
    w_.U8(kHostWelcome).U8(hello.version).U64(hello.features).U64(hello.max_data);
    w_.U64(hello.max_stream_data).U64(hello.max_streams);
    return *this;
  }
  ClientScript& RawDiff(uint64_t old_num, uint64_t new_num, const std::string& diff) {
    w_.U8(kCrRawDiff).U64(old_num).U64(new_num).U64(0).U64(old_num).Bytes(diff);
    return *this;
  }
  ClientScript& Channel(uint64_t pn, const std::vector<Frame>& frames) {
    w_.U8(kCrChannelPacket);
    WritePacket(w_, pn, frames);
    return *this;
  }
  ClientScript& Sealed(const std::string& payload) {
    w_.U8(kCrSealed).Bytes(payload);
    return *this;
  }
  ClientScript& Garbage(const std::string& bytes) {
    w_.U8(kCrGarbage).Bytes(bytes);
    return *this;
  }
  ClientScript& Replay(uint8_t index) {
    w_.U8(kCrReplay).U8(index);
    return *this;
  }
  ClientScript& Corrupt(uint8_t index, uint16_t position, uint8_t mask) {
    w_.U8(kCrCorrupt).U8(index).U16(position).U8(mask);
    return *this;
  }
  ClientScript& Advance(uint16_t ms) {
    w_.U8(kCrAdvance).U16(ms);
    return *this;
  }
  ClientScript& Tick() {
    w_.U8(kCrTick);
    return *this;
  }
  ClientScript& Type(const std::string& keys) {
    w_.U8(kCrType).Bytes(keys);
    return *this;
  }
  ClientScript& Window(uint8_t cols, uint8_t rows) {
    w_.U8(kCrWindow).U8(cols).U8(rows);
    return *this;
  }
  // Starts a channel call; finish it with the Calls helper.
  Calls Call() {
    w_.U8(kCrChannel);
    return Calls(&w_);
  }
  const std::string& data() const { return w_.data(); }

 private:
  FuzzScriptWriter w_;
};

void ClientCoreReceiveSeeds() {
  const std::string dir = "client/corpus/client_core_receive";
  {
    ClientScript s;  // the Welcome, an echo channel, the server's answer and data
    s.Host(0, 1, 0, 3).WelcomeWith(Welcome{}).Bytes("$ ").EchoAck(0);
    s.Tick().Advance(20);
    s.Call().Open(0);
    s.Tick().Advance(20);
    s.Channel(0, {AckFrame{{{0, 0}}, 100},
                  StreamFrame{0, 0, std::string("\x00\x00hello", 7), false}, MaxStreamsFrame{16}});
    s.Call().Read(0);
    s.Call().WriteBytes(0, 3000);
    s.Tick().Advance(30).Tick();
    s.Channel(1, {StreamFrame{0, 7, " world", true}});
    s.Call().Read(0);
    s.Call().Close(0);
    s.Call().Release(0);
    s.Tick().Advance(50).Tick();
    Write(dir, "welcome_echo_channel_answer_and_data", s.data());
  }
  {
    ClientScript s;  // plain Mosh traffic: screens, a resize, echo acks
    s.Host(0, 1, 0, 2).Bytes("\x1b[H\x1b[2Jhello\r\n$ ").EchoAck(1);
    s.Tick().Type("ls -l\r").Tick().Advance(30);
    s.Host(1, 2, 0, 3).Resize(100, 30).EchoAck(3).Bytes("total 0\r\n$ ");
    s.Tick().Advance(250).Tick();
    Write(dir, "screens_resize_echo_ack", s.data());
  }
  {
    ClientScript s;  // a Welcome granting 2^62 - 1 of everything
    Welcome absurd;
    absurd.max_data = roam::kVarintMax;
    absurd.max_stream_data = roam::kVarintMax;
    absurd.max_streams = roam::kVarintMax;
    s.Host(0, 1, 0, 1).WelcomeWith(absurd);
    for (int i = 0; i < 20; ++i) {
      s.Call().Open(static_cast<uint8_t>(i % 3), 5000);
      s.Call().WriteBytes(static_cast<uint8_t>(i), 60000);
    }
    s.Tick().Advance(100).Tick().Advance(1000).Tick();
    Write(dir, "welcome_with_absurd_windows", s.data());
  }
  {
    ClientScript s;  // an invalid Welcome (version 0): channel packets stay unwanted
    Welcome zero;
    zero.version = 0;
    s.Host(0, 1, 0, 1).WelcomeWith(zero);
    s.Channel(0, {StreamFrame{1, 0, std::string("\x03xyz", 4), false}});
    s.Call().Open(0);
    s.Tick();
    Write(dir, "welcome_version_zero", s.data());
  }
  {
    ClientScript s;  // channel packets before any Welcome
    s.Channel(0, {StreamFrame{0, 0, "early", false}}).Sealed(std::string("\x81\x00\x01", 3));
    s.Host(0, 1, 0, 1).Bytes("$ ").Tick();
    Write(dir, "channel_packets_before_the_welcome", s.data());
  }
  {
    ClientScript s;  // a big screen in tiny fragments, reversed, one duplicated, one lost
    std::string text;
    for (int i = 0; i < 60; ++i) text += "line " + std::to_string(i * 37) + "\r\n";
    s.Host(0, 1, 2 | 4 | 8, 1).Bytes(text).Tick();
    s.Host(0, 2, 1 | 8, 1).Bytes(text + text).Tick();
    Write(dir, "fragments_tiny_reversed_duplicated_lost", s.data());
  }
  {
    ClientScript s;  // garbage, replays and damage
    s.Host(0, 1, 0, 2).WelcomeWith(Welcome{}).Bytes("$ ");
    s.Garbage("").Garbage(std::string(40, '\x55')).Replay(0).Replay(0).Corrupt(0, 20, 0x40);
    s.Corrupt(0, 0, 0xff).Sealed("").Sealed(std::string(100, '\x80')).Tick();
    Write(dir, "garbage_replays_damage", s.data());
  }
  {
    ClientScript s;  // diffs that are not HostMessages, and the shutdown state
    s.RawDiff(0, 1, "not a protobuf").RawDiff(0, 1, std::string("\x0a\x05\x12\x03\x22\x01", 6));
    s.RawDiff(0, UINT64_MAX, "").Tick().Advance(1000).Tick();
    Write(dir, "raw_diffs_and_shutdown", s.data());
  }
  {
    ClientScript s;  // the user types, resizes (also to nothing), quits
    s.Host(0, 1, 0, 1).Bytes("$ ");
    s.Type("echo hi\r").Tick().Window(0, 0).Window(200, 60).Tick().Advance(50);
    s.Type("\x1e.").Tick().Advance(3000).Tick();
    Write(dir, "typing_windows_and_quit", s.data());
  }
  {
    ClientScript s;  // the server opens a channel; the client answers it
    s.Host(0, 1, 0, 1).WelcomeWith(Welcome{});
    s.Channel(0, {StreamFrame{1, 0, std::string("\x05hello", 6), false}});
    s.Call().Answer(0, true);
    s.Tick().Channel(1, {StreamFrame{1, 6, "data", true}, StreamFrame{5, 0, "\x01", false}});
    s.Call().Answer(1, false);
    s.Call().Read(0);
    s.Tick();
    Write(dir, "server_opened_channels", s.data());
  }
}

// --- session_cores ---

class SessionScript {
 public:
  SessionScript& Tick() {
    w_.U8(kSoTick);
    return *this;
  }
  SessionScript& Deliver(bool to_server, uint8_t index) {
    w_.U8(kSoDeliver).U8(static_cast<uint8_t>((index << 1) | (to_server ? 1 : 0)));
    return *this;
  }
  SessionScript& Drop(bool to_server, uint8_t index) {
    w_.U8(kSoDrop).U8(static_cast<uint8_t>((index << 1) | (to_server ? 1 : 0)));
    return *this;
  }
  SessionScript& Duplicate(bool to_server, uint8_t index) {
    w_.U8(kSoDuplicate).U8(static_cast<uint8_t>((index << 1) | (to_server ? 1 : 0)));
    return *this;
  }
  SessionScript& Corrupt(bool to_server, uint8_t index, uint16_t position, uint8_t mask) {
    w_.U8(kSoCorrupt).U8(static_cast<uint8_t>((index << 1) | (to_server ? 1 : 0)));
    w_.U16(position).U8(mask);
    return *this;
  }
  SessionScript& Advance(uint16_t ms) {
    w_.U8(kSoAdvance).U16(ms);
    return *this;
  }
  SessionScript& Nat() {
    w_.U8(kSoNat);
    return *this;
  }
  SessionScript& Type(const std::string& keys) {
    w_.U8(kSoType).Bytes(keys);
    return *this;
  }
  SessionScript& Output(const std::string& bytes) {
    w_.U8(kSoOutput).Bytes(bytes);
    return *this;
  }
  SessionScript& Window(uint8_t cols, uint8_t rows) {
    w_.U8(kSoWindow).U8(cols).U8(rows);
    return *this;
  }
  Calls Call() {
    w_.U8(kSoChannel);
    return Calls(&w_);
  }
  SessionScript& Run(uint8_t rounds) {
    w_.U8(kSoRun).U8(static_cast<uint8_t>(rounds - 1));
    return *this;
  }
  SessionScript& Quit() {
    w_.U8(kSoQuit);
    return *this;
  }
  const std::string& data() const { return w_.data(); }

 private:
  FuzzScriptWriter w_;
};

void SessionCoresSeeds() {
  const std::string dir = "session/corpus/session_cores";
  {
    SessionScript s;
    s.Run(16).Type("echo hi\r").Run(16).Output("\x1b[1mbold\x1b[m\r\n").Run(8);
    Write(dir, "handshake_and_typing", s.data());
  }
  {
    SessionScript s;  // an echo channel there and back, then closed both ways
    s.Run(16);
    s.Call().Open(0);
    s.Call().WriteBytes(0, 20000);
    s.Run(16);
    s.Call().Read(0);
    s.Call().Close(0);
    s.Run(16);
    s.Call().Read(0);
    s.Call().Release(0);
    s.Run(8);
    Write(dir, "echo_channel_round_trip", s.data());
  }
  {
    SessionScript s;  // discard and source side by side, one reset midway
    s.Run(16);
    s.Call().Open(1);
    s.Call().Open(2, 50000);
    s.Call().WriteBytes(0, 30000);
    s.Call().Close(0);
    s.Run(8);
    s.Call().Read(1);
    s.Call().Reset(1, 1);
    s.Run(16);
    s.Call().Read(0);
    s.Run(4);
    Write(dir, "discard_and_source_with_reset", s.data());
  }
  {
    SessionScript s;  // the link loses, repeats, reorders and damages datagrams
    s.Run(16);
    s.Call().Open(0);
    s.Call().WriteBytes(0, 8000);
    s.Type("abc");
    for (int i = 0; i < 12; ++i) {
      s.Tick().Advance(7);
      s.Drop(true, 0).Duplicate(true, 1).Deliver(true, 2).Deliver(false, 1).Drop(false, 0);
      s.Corrupt(i % 2 == 0, 0, static_cast<uint16_t>(i * 13), 0x20).Deliver(true, 0);
    }
    s.Run(16);
    s.Call().Read(0);
    Write(dir, "loss_duplication_reordering_damage", s.data());
  }
  {
    SessionScript s;  // the client's NAT mapping moves twice mid-transfer
    s.Run(16);
    s.Call().Open(0);
    s.Call().WriteBytes(0, 20000);
    s.Run(4).Nat().Type("x").Run(8).Nat().Run(16);
    s.Call().Read(0);
    Write(dir, "nat_rebinding", s.data());
  }
  {
    SessionScript s;  // a 15 s blackout with everything on the link lost
    s.Run(16);
    s.Call().Open(0);
    s.Call().WriteBytes(0, 20000);
    s.Run(2);
    for (int i = 0; i < 30; ++i) s.Tick().Advance(500).Drop(true, 0).Drop(false, 0);
    s.Run(16).Run(16);
    s.Call().Read(0);
    Write(dir, "blackout_then_resume", s.data());
  }
  {
    SessionScript s;  // requests the server must refuse
    s.Run(16);
    s.Call().Open(3, 0, "not a request");
    s.Call().Open(3, 0, "");
    s.Run(16);
    Write(dir, "refused_requests", s.data());
  }
  {
    SessionScript s;  // resizes, a flood of output, then the user quits
    s.Run(8).Window(120, 40).Output(std::string(5000, 'o')).Window(0, 5).Run(8).Quit().Run(16);
    Write(dir, "resize_output_quit", s.data());
  }
}

// --- channel_request: a policy byte, then the request ---

std::string Request(uint8_t disabled, const RoamChannel::OpenRequest& r) {
  return std::string(1, static_cast<char>(disabled)) + r.SerializeAsString();
}

void ChannelRequestSeeds() {
  const std::string dir = "session/corpus/channel_request";
  RoamChannel::OpenRequest echo;
  echo.mutable_echo();
  RoamChannel::OpenRequest discard;
  discard.mutable_discard();
  RoamChannel::OpenRequest source;
  source.mutable_source()->set_bytes(1 << 20);
  Write(dir, "echo_allowed", Request(0, echo));
  Write(dir, "echo_disabled", Request(1, echo));
  Write(dir, "discard_allowed", Request(0, discard));
  Write(dir, "source_one_mebibyte", Request(0, source));
  Write(dir, "source_disabled", Request(4, source));
  Write(dir, "no_kind", std::string(1, '\0'));
  Write(dir, "unknown_field_only", std::string("\0\x50\x01", 3));
  Write(dir, "echo_then_source_last_wins", Request(0, echo) + source.SerializeAsString());
  Write(dir, "not_a_protobuf", std::string("\0\xff\xff\xff", 4));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: session_fuzz_seeds <repo>/fuzz\n");
    return 2;
  }
  g_root = argv[1];
  ClientCoreReceiveSeeds();
  SessionCoresSeeds();
  ChannelRequestSeeds();
  return 0;
}
