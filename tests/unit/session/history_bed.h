// HistoryBed: the two ends of native scrollback's catch-up on a fake clock —
// a server emulator in history mode whose scrollback answers history
// channels through HistoryService, and a client Mux joined to the server's
// by a MuxPair (seeded link model). Tests print on the server, open
// channels (or run a HistorySync) on the client, and run the loop.

#ifndef ROAM_TESTS_UNIT_SESSION_HISTORY_BED_H_
#define ROAM_TESTS_UNIT_SESSION_HISTORY_BED_H_

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "session/channel_policy.h"
#include "session/history_service.h"
#include "term/emulator.h"
#include "unit/channel/mux_pair.h"

namespace roam::testing {

inline netsim::LinkConfig LanLink() {
  netsim::LinkConfig link;
  link.delay = std::chrono::milliseconds(5);
  return link;
}

class HistoryBed {
 public:
  explicit HistoryBed(size_t server_lines = 1000, netsim::LinkConfig link = LanLink(),
                      channel::MuxConfig channels = {})
      : pair_(channels, link, 7), emulator_(80, 24, Options(server_lines)) {
    pair_.application = [this](TimePoint now) {
      ServeRequests();
      if (client_hook) client_hook(now);
    };
  }

  channel::testing::MuxPair& pair() { return pair_; }
  channel::Mux& client() { return pair_.client(); }
  term::Emulator& server() { return emulator_; }
  TimePoint Now() const { return pair_.Now(); }

  // The program prints lines "first" .. "last" (decimal), each on its own.
  void PrintNumbers(int first, int last) {
    std::string out;
    for (int i = first; i <= last; ++i) out += std::to_string(i) + "\r\n";
    emulator_.Write(out);
  }
  // Runs the loop for `d` in steps of at most 5 ms, so that the client's
  // own timers (which the muxes do not know) are honoured.
  void RunFor(Duration d) {
    const TimePoint end = pair_.Now() + d;
    while (pair_.Now() < end) pair_.Step(std::min(end, pair_.Now() + std::chrono::milliseconds(5)));
  }
  // What the server's state would say now.
  state::HistoryState Snapshot() {
    return snapshot_ = session::HistorySnapshot(emulator_, snapshot_);
  }

  // Called every loop turn on the client side.
  std::function<void(TimePoint)> client_hook;
  // Refuse every history channel (a server that turned the feature off).
  bool refuse = false;
  // When set, every history channel is answered with these bytes and FIN
  // instead of the service (a broken or hostile server).
  std::optional<std::string> hostile_reply;
  uint64_t served() const { return served_; }

 private:
  static term::EmulatorOptions Options(size_t lines) {
    term::EmulatorOptions options;
    options.scrollback_lines = lines;
    options.history_mode = true;
    return options;
  }

  void ServeRequests() {
    channel::Mux& mux = pair_.server();
    for (const channel::MuxEvent& e : mux.TakeEvents()) {
      if (!(e.kinds & channel::MuxEvent::kIncoming)) continue;
      Result<RoamChannel::OpenRequest> request = session::ChannelPolicy::Parse(mux.Request(e.id));
      if (!request.ok() || refuse) {
        (void)mux.Refuse(e.id, "no");
        continue;
      }
      (void)mux.Accept(e.id);
      ++served_;
      if (hostile_reply) {
        (void)mux.Write(e.id, *hostile_reply);
        mux.CloseWrite(e.id);
        mux.Release(e.id);
        continue;
      }
      services_[e.id] = std::make_unique<session::HistoryService>(
          e.id, request->history().first(), request->history().end(), &emulator_.scrollback());
    }
    for (auto it = services_.begin(); it != services_.end();) {
      it->second->Run(&mux);
      it = it->second->done() ? services_.erase(it) : std::next(it);
    }
  }

  channel::testing::MuxPair pair_;
  term::Emulator emulator_;
  state::HistoryState snapshot_;
  std::map<uint64_t, std::unique_ptr<session::HistoryService>> services_;
  uint64_t served_ = 0;
};

}  // namespace roam::testing

#endif  // ROAM_TESTS_UNIT_SESSION_HISTORY_BED_H_
