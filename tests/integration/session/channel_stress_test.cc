// Channels under the worst network the session layer promises to survive:
// 30 % loss each way, duplication, reordering, a rate-capped bottleneck, a
// NAT rebinding and a 13 s blackout. Sixteen concurrent echo channels move
// 64 MiB in total (32 MiB each way) while keys are typed; every stream must
// come back bit for bit (SHA-256), nothing may deadlock, the multiplexers'
// buffers must stay within the configured windows, and keystroke echo must
// not queue behind the bulk data.

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "integration/session/core_harness.h"
#include "wire/channel_open.pb.h"

namespace roam::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kChannels = 16;
constexpr size_t kBytesPerChannel = 2 << 20;

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr); }
  ~Sha256() { EVP_MD_CTX_free(ctx_); }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void Update(std::string_view bytes) { EVP_DigestUpdate(ctx_, bytes.data(), bytes.size()); }
  std::string Final() {
    unsigned char digest[32];
    unsigned int n = 0;
    EVP_DigestFinal_ex(ctx_, digest, &n);
    return std::string(reinterpret_cast<char*>(digest), n);
  }

 private:
  EVP_MD_CTX* ctx_;
};

// One channel's client side: writes a seeded pseudo-random stream, hashes
// what it wrote and what comes back.
class EchoTransfer {
 public:
  EchoTransfer(uint64_t id, uint64_t seed) : id_(id), random_(seed) {}

  void Run(channel::Mux* mux) {
    for (int i = 0; i < 16 && written_ < kBytesPerChannel; ++i) {
      if (chunk_.empty()) {
        chunk_.resize(std::min<size_t>(16 * 1024, kBytesPerChannel - written_));
        for (char& c : chunk_) c = static_cast<char>(random_.Next());
      }
      const size_t n = mux->Write(id_, chunk_);
      sent_hash_.Update(std::string_view(chunk_).substr(0, n));
      written_ += n;
      chunk_.erase(0, n);
      if (n == 0) break;
    }
    if (written_ == kBytesPerChannel && !closed_) {
      mux->CloseWrite(id_);
      closed_ = true;
    }
    std::string got;
    while (mux->Read(id_, &got, 1 << 20) > 0) {
      received_ += got.size();
      received_hash_.Update(got);
      got.clear();
    }
    std::optional<channel::ChannelInfo> info = mux->Info(id_);
    if (info && info->eof && !done_) {
      done_ = true;
      mux->Release(id_);
    }
  }

  bool done() const { return done_; }
  size_t received() const { return received_; }
  bool Matches() { return sent_hash_.Final() == received_hash_.Final(); }

 private:
  uint64_t id_;
  SeededRandom random_;
  std::string chunk_;
  size_t written_ = 0;
  size_t received_ = 0;
  bool closed_ = false;
  bool done_ = false;
  Sha256 sent_hash_;
  Sha256 received_hash_;
};

// Types one key at a time and records how long the server's echo took to
// reach the client's copy of the screen.
class Typist {
 public:
  void MaybeType(CoreHarness& h, TimePoint now, bool loaded) {
    if (waiting_ || now < next_key_) return;
    if (column_ >= 60) {
      h.Type("\r");
      column_ = 0;
      ++line_;
      next_key_ = now + 300ms;
      return;
    }
    h.Type(std::string(1, static_cast<char>('a' + column_ % 26)));
    ++column_;
    waiting_ = true;
    typed_at_ = now;
    loaded_ = loaded;
  }
  void Check(CoreHarness& h, TimePoint now) {
    if (!waiting_) return;
    const term::Framebuffer& fb = h.remote_screen();
    const int row = fb.ds().cursor_row;
    if (RowText(fb, row).size() >= 2 + column_) {
      (loaded_ ? loaded_ms_ : idle_ms_)
          .push_back(std::chrono::duration<double, std::milli>(now - typed_at_).count());
      waiting_ = false;
      next_key_ = now + 100ms;
    }
  }
  std::vector<double>& idle() { return idle_ms_; }
  std::vector<double>& loaded() { return loaded_ms_; }

 private:
  bool waiting_ = false;
  bool loaded_ = false;
  size_t column_ = 0;
  int line_ = 0;
  TimePoint typed_at_{};
  TimePoint next_key_{};
  std::vector<double> idle_ms_;
  std::vector<double> loaded_ms_;
};

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(p * static_cast<double>(v.size() - 1))];
}

class ChannelStressTest : public ::testing::TestWithParam<uint64_t> {};

TEST_P(ChannelStressTest, SixteenChannelsSurviveLossRoamingAndABlackoutWhileKeysAreTyped) {
  const uint64_t seed = GetParam();
  netsim::LinkConfig link;
  link.delay = 40ms;
  link.jitter = 5ms;
  link.loss = 0.30;
  link.duplicate = 0.05;
  link.reorder = 0.05;
  link.rate_bytes_per_sec = 4'000'000;
  link.queue_bytes = 256 * 1024;
  CoreHarnessOptions options;
  options.up = link;
  options.down = link;
  options.draw = false;
  CoreHarness h(seed, options);

  Typist typist;
  ASSERT_TRUE(h.RunFor(30s, [&] { return h.client().mux() != nullptr; }));
  // Idle typing first: the reference echo times.
  h.application = [&](TimePoint now) {
    typist.Check(h, now);
    typist.MaybeType(h, now, false);
  };
  ASSERT_TRUE(h.RunFor(60s, [&] { return typist.idle().size() >= 40; }));

  channel::Mux* mux = h.client().mux();
  ASSERT_NE(mux, nullptr);
  RoamChannel::OpenRequest request;
  request.mutable_echo();
  std::vector<std::unique_ptr<EchoTransfer>> transfers;
  for (int i = 0; i < kChannels; ++i) {
    Result<uint64_t> id = mux->Open(request.SerializeAsString(), h.Now());
    ASSERT_TRUE(id.ok());
    transfers.push_back(std::make_unique<EchoTransfer>(*id, seed * 100 + static_cast<uint64_t>(i)));
  }
  const channel::MuxConfig& config = options.channels;
  const uint64_t memory_bound =
      config.session_window + kChannels * static_cast<uint64_t>(config.stream_send_buffer);
  uint64_t client_peak = 0;
  uint64_t server_peak = 0;
  const TimePoint load_start = h.Now();
  bool rebound = false;
  bool blacked_out = false;
  h.application = [&](TimePoint now) {
    for (auto& t : transfers) t->Run(mux);
    client_peak = std::max(client_peak, mux->buffered_bytes());
    if (h.server().mux()) server_peak = std::max(server_peak, h.server().mux()->buffered_bytes());
    typist.Check(h, now);
    typist.MaybeType(h, now, true);
    if (!rebound && now - load_start >= 5s) {
      h.set_nat_shift(1000);
      rebound = true;
    }
    if (!blacked_out && now - load_start >= 10s) {
      h.Blackout(13s);
      blacked_out = true;
    }
  };
  auto all_done = [&] {
    return std::all_of(transfers.begin(), transfers.end(), [](auto& t) { return t->done(); });
  };
  const bool finished = h.RunFor(3600s, all_done);
  if (!finished) {
    for (auto& t : transfers) std::printf("received %zu\n", t->received());
    auto dump = [](const char* who, channel::Mux* m) {
      const channel::MuxStats& s = m->stats();
      std::printf(
          "%s: rx %llu mal %llu dup %llu flow %llu bad %llu many %llu fin %llu late %llu "
          "cwnd %llu inflight %llu lost %llu pto %llu channels %zu buffered %llu\n",
          who, (unsigned long long)s.packets_received, (unsigned long long)s.packets_malformed,
          (unsigned long long)s.packets_duplicate, (unsigned long long)s.frames_flow_violation,
          (unsigned long long)s.frames_bad_stream, (unsigned long long)s.frames_too_many_streams,
          (unsigned long long)s.frames_final_size, (unsigned long long)s.frames_late,
          (unsigned long long)m->congestion_window(), (unsigned long long)m->bytes_in_flight(),
          (unsigned long long)m->loss_stats().packets_lost,
          (unsigned long long)m->loss_stats().probe_timeouts, m->channel_count(),
          (unsigned long long)m->buffered_bytes());
    };
    std::printf(
        "typed loaded %zu, server remote %s, client addr %s, undeliverable %llu\n",
        typist.loaded().size(), h.server().transport().connection().remote().ToString().c_str(),
        h.ClientAddr(h.client().transport().connection().current_socket_id()).ToString().c_str(),
        (unsigned long long)h.undeliverable());
    std::printf("server extension dropped %llu, client %llu\n",
                (unsigned long long)h.server().transport().stats().receiver.extension_dropped,
                (unsigned long long)h.client().transport().stats().receiver.extension_dropped);
    dump("client", mux);
    dump("server", h.server().mux());
  }
  ASSERT_TRUE(finished) << "seed " << seed;
  const double seconds = std::chrono::duration<double>(h.Now() - load_start).count();
  for (auto& t : transfers) {
    EXPECT_EQ(t->received(), kBytesPerChannel);
    EXPECT_TRUE(t->Matches());
  }
  EXPECT_TRUE(rebound && blacked_out) << "the transfer ended before the network events";
  EXPECT_LE(client_peak, memory_bound);
  EXPECT_LE(server_peak, memory_bound);
  EXPECT_GE(h.server().transport().connection().stats().roamed, 1u);
  EXPECT_EQ(h.server().mux()->stats().dropped() - h.server().mux()->stats().packets_duplicate, 0u);
  EXPECT_EQ(mux->stats().dropped() - mux->stats().packets_duplicate, 0u);

  const double idle_p50 = Percentile(typist.idle(), 0.5);
  const double loaded_p50 = Percentile(typist.loaded(), 0.5);
  std::printf(
      "seed %llu: 64 MiB moved in %.1f s simulated; echo p50 idle %.0f ms, loaded %.0f ms "
      "(%zu keys); peak buffers client %.1f MiB, server %.1f MiB\n",
      static_cast<unsigned long long>(seed), seconds, idle_p50, loaded_p50, typist.loaded().size(),
      client_peak / 1048576.0, server_peak / 1048576.0);
  ASSERT_GE(typist.loaded().size(), 20u);
  // The median key under load waits for no more than the frame interval
  // and one bottleneck queue (256 KiB at 4 MB/s = 64 ms) beyond idle.
  EXPECT_LE(loaded_p50, idle_p50 + 250 + 64);
}

INSTANTIATE_TEST_SUITE_P(Seeds, ChannelStressTest, ::testing::Values(1, 2, 3, 4, 5, 6, 7, 8));

}  // namespace
}  // namespace roam::testing
