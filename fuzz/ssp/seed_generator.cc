// Writes the seed corpora of the SSP and state fuzz targets, each file named
// for what it holds. Usage: ssp_fuzz_seeds <repo>/fuzz
// The formats come from fuzz_script.h and the real encoders, so the seeds
// stay meaningful when the code changes: regenerate and check them in.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "ssp/compressor.h"
#include "ssp/fragment.h"
#include "ssp/fuzz_script.h"
#include "state/screen_state.h"
#include "state/user_stream.h"
#include "support/host_bytes_state.h"
#include "wire/instruction_codec.h"

namespace {

namespace fs = std::filesystem;
using roam::fuzz::FuzzScriptWriter;

fs::path g_root;

void Write(const std::string& target_dir, const std::string& name, const std::string& bytes) {
  fs::path dir = g_root / target_dir;
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string FromHex(std::string_view hex) {
  std::string out;
  int high = -1;
  for (char c : hex) {
    int v = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
    if (v < 0) continue;
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<char>(high * 16 + v));
      high = -1;
    }
  }
  return out;
}

TransportBuffers::Instruction MakeInstruction(uint64_t old_num, uint64_t new_num, uint64_t ack,
                                              std::string diff) {
  TransportBuffers::Instruction i;
  i.set_protocol_version(2);
  i.set_old_num(old_num);
  i.set_new_num(new_num);
  i.set_ack_num(ack);
  i.set_throwaway_num(old_num);
  i.set_diff(std::move(diff));
  i.set_chaff("");
  return i;
}

std::string Zlib(const std::string& bytes) { return *roam::ssp::Compress(bytes); }

std::string KeystrokeDiff(const std::string& keys) {
  roam::state::UserStream s;
  s.PushBytes(keys);
  return s.InitDiff();
}

// --- fragment_assembly: records of (u64 id, u16 word, bytes) ---

std::string FragmentsScript(const std::vector<roam::ssp::Fragment>& fragments) {
  FuzzScriptWriter w;
  for (const auto& f : fragments) {
    w.U64(f.id).U16(static_cast<uint16_t>((f.final ? 0x8000 : 0) | f.num)).Bytes(f.contents);
  }
  return w.data();
}

std::vector<roam::ssp::Fragment> SplitInstruction(const TransportBuffers::Instruction& i,
                                                  size_t mtu, uint64_t first_id = 1) {
  roam::ssp::Fragmenter fragmenter;
  while (fragmenter.next_id() < first_id) (void)fragmenter.Split("x", mtu);
  return *fragmenter.Split(roam::wire::Serialize(i), mtu);
}

void FragmentAssemblySeeds() {
  const std::string dir = "ssp/corpus/fragment_assembly";
  auto small = SplitInstruction(MakeInstruction(0, 1, 0, KeystrokeDiff("ls -l\r")), 1252);
  Write(dir, "single_fragment_keystroke", FragmentsScript(small));

  std::string text;
  for (int i = 0; i < 200; ++i) text += "line " + std::to_string(i * 7919 % 1000) + "\r\n";
  auto three = SplitInstruction(MakeInstruction(3, 4, 2, text), 120);
  Write(dir, "several_fragments_in_order", FragmentsScript(three));
  std::vector<roam::ssp::Fragment> reversed(three.rbegin(), three.rend());
  Write(dir, "several_fragments_out_of_order", FragmentsScript(reversed));
  std::vector<roam::ssp::Fragment> duplicated = three;
  duplicated.insert(duplicated.begin() + 1, three[0]);
  Write(dir, "duplicate_fragment", FragmentsScript(duplicated));
  std::vector<roam::ssp::Fragment> conflicting = three;
  conflicting.insert(conflicting.begin() + 1, three[0]);
  conflicting[1].contents[0] ^= 0x55;
  Write(dir, "conflicting_duplicate", FragmentsScript(conflicting));
  std::vector<roam::ssp::Fragment> final_low = {three[0], three[2], three[1]};
  final_low.back().final = true;
  Write(dir, "final_below_held", FragmentsScript(final_low));
  std::vector<roam::ssp::Fragment> missing = three;
  missing.erase(missing.begin() + 1);
  Write(dir, "missing_fragment", FragmentsScript(missing));
  auto other = SplitInstruction(MakeInstruction(4, 5, 3, "x"), 1252, 9);
  std::vector<roam::ssp::Fragment> switched = {three[0], three[1]};
  switched.push_back(other[0]);
  Write(dir, "new_id_abandons_partial", FragmentsScript(switched));
  Write(dir, "bad_zlib", FragmentsScript({{7, 0, true, "not a zlib stream"}}));
  // Regression: a record cut short once made the script loop forever.
  Write(dir, "record_cut_short", FragmentsScript(small).substr(0, 5));
  auto v3 = MakeInstruction(0, 1, 0, "");
  v3.set_protocol_version(3);
  Write(dir, "wrong_protocol_version", FragmentsScript(SplitInstruction(v3, 1252)));
}

// --- instruction_decode: one zlib stream ---

void InstructionDecodeSeeds() {
  const std::string dir = "ssp/corpus/instruction_decode";
  Write(dir, "client_first_resize_80x24",
        Zlib(FromHex("08 02 10 00 18 01 20 00 28 00 32 08 0a061a0428503018 3a 0a "
                     "95da910b86cb6b33538c")));
  Write(dir, "server_first_empty_ack",
        Zlib(FromHex("0802 1000 1801 2001 2800 3200 3a07cc9d6585ff446c")));
  auto bye = MakeInstruction(9, roam::wire::kShutdownStateNum, 10, "");
  Write(dir, "shutdown_max64", Zlib(roam::wire::Serialize(bye)));
  roam::state::HostBytesState host;
  host.SetEchoAck(4);
  host.SetSize({80, 24});
  host.AppendBytes("\x1b[H\x1b[2Jhello\r\n$ ");
  Write(dir, "host_message_echoack_resize_bytes",
        Zlib(roam::wire::Serialize(MakeInstruction(3, 5, 4, host.InitDiff()))));
  Write(dir, "truncated_stream", Zlib("\x08\x02\x10\x00\x18\x01").substr(0, 6));
  Write(dir, "not_a_protobuf", Zlib("\x32\x08\x0a"));
  Write(dir, "zlib_bomb_over_4mib", Zlib(std::string(roam::ssp::kMaxDecompressedBytes + 1, 'a')));
}

// --- user_stream_apply / screen_state_apply: one diff ---

void StateSeeds() {
  const std::string user = "state/corpus/user_stream_apply";
  Write(user, "resize_80x24", FromHex("0a 06 1a 04 28 50 30 18"));
  Write(user, "keystroke_echo_hello", KeystrokeDiff("echo hello world\r"));
  roam::state::UserStream mixed;
  mixed.PushBytes("ab");
  mixed.PushResize(100, 30);
  mixed.PushResize(120, 40);
  mixed.PushBytes("\x1bOA");
  Write(user, "bytes_resizes_bytes", mixed.InitDiff());
  Write(user, "unknown_extension", FromHex("0a 02 48 01 0a 05 12 03 22 01 6b"));
  Write(user, "truncated_resize", FromHex("0a 06 1a 04 28"));
  Write(user, "empty_diff", "");

  // Plain HostMessages (EchoAck, Resize, HostBytes), as a stock
  // mosh-server sends them.
  roam::state::HostBytesState h;
  h.SetEchoAck(7);
  h.SetSize({132, 43});
  h.AppendBytes("output\r\n");
  roam::state::HostBytesState low;
  low.SetEchoAck(2);

  // A roam server's states, as screen_state_apply's replica (20x6,
  // echo ack 5, canonical mode with echo) receives them.
  const std::string complete = "state/corpus/screen_state_apply";
  roam::state::ScreenState blank(20, 6);
  roam::state::ScreenState hinted = blank;
  hinted.SetEchoHint({false, true, 42});  // a password prompt's
  Write(complete, "echo_hint_echo_off", hinted.DiffFrom(blank));
  roam::state::ScreenState raw = blank;
  raw.SetEchoHint({false, false, 7});
  raw.SetEchoAck(9);
  Write(complete, "echo_ack_and_raw_mode_hint", raw.DiffFrom(blank));
  roam::state::ScreenState roam_extras = blank;
  roam::state::RoamHello welcome;
  welcome.version = 1;
  welcome.features = 3;
  roam_extras.SetWelcome(welcome);
  roam_extras.SetProgramExit(130);
  roam_extras.SetEchoHint({true, true, 1234});
  roam_extras.SetEchoAck(6);
  Write(complete, "welcome_program_exit_echo_hint", roam_extras.DiffFrom(blank));
  Write(complete, "echo_hint_documented_bytes", FromHex("0a 0a 92 04 07 08 01 10 01 18 d2 09"));
  Write(complete, "echo_hint_truncated", FromHex("0a 0a 92 04 07 08 01 10 01 18 d2"));
  Write(complete, "echo_ack_decreases", low.InitDiff());
  Write(complete, "host_bytes_resize", h.InitDiff());
  Write(complete, "unknown_extension", FromHex("0a 03 a0 01 01 0a 05 12 03 22 01 7a"));
  Write(complete, "malformed", FromHex("0a 09 12"));
}

// --- transport: a script of TransportOp records ---

void Instruction(FuzzScriptWriter& w, uint8_t from, uint64_t old_num, uint64_t new_num,
                 uint64_t ack, uint64_t throwaway, uint8_t kind, uint8_t flags,
                 const std::string& payload, uint8_t version = 0) {
  w.U8(roam::fuzz::kOpInstruction).U8(from).U64(old_num).U64(new_num).U64(ack).U64(throwaway);
  w.U8(version).U8(kind).U8(flags).Bytes(payload);
}
void Advance(FuzzScriptWriter& w, uint16_t ms) { w.U8(roam::fuzz::kOpAdvance).U16(ms); }
void Tick(FuzzScriptWriter& w) { w.U8(roam::fuzz::kOpTick); }

void TransportSeeds() {
  const std::string dir = "ssp/corpus/transport";
  {
    FuzzScriptWriter w;
    Instruction(w, 0, 0, 1, 0, 0, 2, 0, std::string("\x50\x18", 2));  // resize 80x24
    Tick(w);
    Advance(w, 100);
    Instruction(w, 0, 1, 2, 1, 1, 1, 0, "ls\r");
    Tick(w);
    w.U8(roam::fuzz::kOpServerOutput).Bytes("ls\r\nfile\r\n$ ");
    Advance(w, 8);
    Tick(w);
    Advance(w, 3000);
    Tick(w);
    Write(dir, "handshake_typing_output_heartbeat", w.data());
  }
  {
    FuzzScriptWriter w;
    Instruction(w, 0, 0, 1, 0, 0, 1, 0, "a");
    Instruction(w, 0, 1, 3, 0, 0, 1, 0, "bc");
    Instruction(w, 0, 1, 2, 0, 0, 1, 0, "b");  // out of order
    Instruction(w, 0, 1, 2, 0, 0, 1, 0, "b");  // duplicate
    Instruction(w, 0, 7, 8, 0, 0, 1, 0, "?");  // unknown reference
    Instruction(w, 0, 3, 4, 0, 3, 1, 0, "d");  // throwaway
    Tick(w);
    Write(dir, "out_of_order_duplicate_unknown_throwaway", w.data());
  }
  {
    FuzzScriptWriter w;
    Instruction(w, 0, 0, 1, 0, 0, 1, 0, "x");
    Advance(w, 50);
    Instruction(w, 0x81, 1, 2, 0, 1, 1, 0, "y");  // client roams
    w.U8(roam::fuzz::kOpGarbage).U8(0x85).Bytes("garbage from elsewhere");
    w.U8(roam::fuzz::kOpReplay).U8(0);
    w.U8(roam::fuzz::kOpWrongKey).Bytes("sealed under the wrong key");
    w.U8(roam::fuzz::kOpCorrupt).U8(1).U16(30).U8(0x40);
    Tick(w);
    Write(dir, "roaming_garbage_replay_wrong_key_corrupt", w.data());
  }
  {
    FuzzScriptWriter w;
    std::string big;
    for (int i = 0; i < 300; ++i) big += static_cast<char>((i * 37) & 0x7F);
    Instruction(w, 0, 0, 1, 0, 0, 1, 8 | 2, big);  // tiny MTU, reversed
    Instruction(w, 0, 1, 2, 0, 0, 1, 8 | 1, big);  // tiny MTU, first lost
    Instruction(w, 0, 1, 2, 0, 0, 1, 8 | 4, big);  // tiny MTU, duplicated
    Tick(w);
    Write(dir, "multi_fragment_reversed_lost_duplicated", w.data());
  }
  {
    FuzzScriptWriter w;
    Instruction(w, 0, 0, 1, 0, 0, 1, 0, "exit\r");
    Tick(w);
    Advance(w, 300);
    Instruction(w, 0, 1, roam::wire::kShutdownStateNum, 1, 1, 0, 0, "");
    Advance(w, 50);
    Tick(w);
    Write(dir, "client_shutdown", w.data());
  }
  {
    FuzzScriptWriter w;
    Instruction(w, 0, 0, 1, 0, 0, 1, 0, "a");
    Tick(w);
    w.U8(roam::fuzz::kOpShutdown);
    for (int i = 0; i < 20; ++i) {
      Advance(w, 250);
      Tick(w);
    }
    Write(dir, "server_shutdown_retries", w.data());
  }
  {
    FuzzScriptWriter w;
    Instruction(w, 0, 0, 1, 0, 0, 1, 0, "a", 3);          // wrong version
    Instruction(w, 0, 0, 1, 0, 0, 0, 0, "\x0a\x06\x1a");  // malformed diff
    Tick(w);
    Write(dir, "bad_version_and_malformed_diff", w.data());
  }
  {
    FuzzScriptWriter w;
    for (uint64_t n = 1; n <= 1030; ++n) Instruction(w, 0, 0, n, 0, 0, 1, 0, "s");
    Advance(w, 15000);
    Instruction(w, 0, 0, 2000, 0, 0, 1, 0, "s");
    Tick(w);
    Write(dir, "held_state_limit_quench", w.data());
  }
  {
    FuzzScriptWriter w;
    Instruction(w, 0, 0, 1, 0, 0, 1, 0, "a");
    Tick(w);
    for (int i = 0; i < 5; ++i) Advance(w, 20000);  // past the association timeout
    w.U8(roam::fuzz::kOpServerOutput).Bytes("late output");
    Tick(w);
    Instruction(w, 0x83, 1, 2, 0, 1, 1, 0, "b");
    Tick(w);
    Write(dir, "association_timeout_then_return", w.data());
  }
  {
    FuzzScriptWriter w;
    Instruction(w, 0, 0, 1, 0, 0, 1, 0, "a");
    Write(dir, "instruction_cut_short", w.data().substr(0, 12));
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <repo>/fuzz\n", argv[0]);
    return 2;
  }
  g_root = argv[1];
  FragmentAssemblySeeds();
  InstructionDecodeSeeds();
  StateSeeds();
  TransportSeeds();
  return 0;
}
