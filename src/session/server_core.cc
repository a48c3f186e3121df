#include "session/server_core.h"

#include <signal.h>

#include <algorithm>
#include <map>
#include <variant>

#include "base/logging.h"
#include "session/echo_ack.h"
#include "session/frame_pacer.h"
#include "session/history_service.h"
#include "session/test_services.h"
#include "session/tty_modes.h"

namespace roam::session {

namespace {

// Input for the application that it has not read yet; beyond this, typed
// bytes are dropped (and counted) rather than buffered without bound.
constexpr size_t kMaxPendingPtyInput = 1 << 20;
// Channel packets sent per Tick at most, so a saturated channel cannot hold
// the event loop away from the pty and the screen.
constexpr int kMaxChannelPacketsPerTick = 256;
// Plaintext bytes a datagram adds around a channel packet: nonce 8, tag 16,
// timestamps 4 (docs/protocol.md §3).
constexpr size_t kDatagramOverhead = 28;
// How long the shutdown waits, after the pty closed, for the program's exit
// status to reach a roam client.
constexpr Duration kExitStatusWait = std::chrono::milliseconds(200);
// The longest NextWakeup ever asks the adapter to sleep.
constexpr Duration kMaxIdleWait = std::chrono::seconds(1);

// The server's screen only ever leaves through the Mosh-subset display
// diff, which never sends OSC 8 links: they are not stored at all.
term::EmulatorOptions EmulatorOptions(size_t scrollback_lines) {
  term::EmulatorOptions options;
  options.keep_links = false;
  options.scrollback_lines = scrollback_lines;
  return options;
}

}  // namespace

class ServerCore::Pieces {
 public:
  Pieces(const ServerTimeoutConfig& timeout_config, TimePoint now)
      : timeouts(timeout_config, now) {}
  EchoAckTracker echo_ack;
  FramePacer pacer;
  TtyModesWatch tty_watch;
  std::optional<state::EchoHint> tty_modes;  // as last read
  ServerTimeouts timeouts;
  std::map<uint64_t, std::unique_ptr<TestService>> services;
  std::map<uint64_t, std::unique_ptr<HistoryService>> history;
};

ServerCore::ServerCore(crypto::Key key, ServerCoreConfig config, Random* random, TimePoint now)
    : config_(std::move(config)),
      emulator_(std::make_unique<term::Emulator>(config_.cols, config_.rows,
                                                 EmulatorOptions(config_.scrollback_lines))),
      transport_(std::make_unique<ServerTransport>(net::Connection::Server(std::move(key)),
                                                   state::ScreenState(config_.cols, config_.rows),
                                                   state::UserStream(), random, now)),
      pieces_(std::make_unique<Pieces>(config_.timeouts, now)) {
  // The frame pacer already collects the program's output (a screen is
  // pushed once the output has been quiet for kSettle, or after one frame
  // interval), so SSP's fixed 8 ms SEND_MINDELAY would only add to every
  // echo. The frame interval still spaces the sends.
  transport_->SetSendMinDelay(Millis(0));
  // The first screen (the shell's prompt) should not wait for the interval
  // derived from SSP's initial 1 s RTT guess.
  transport_->SetFastStart(true);
}

ServerCore::~ServerCore() = default;

void ServerCore::Receive(std::string_view datagram, const net::Address& from, int socket_id,
                         bool ecn_ce, TimePoint now) {
  transport_->Receive(datagram, from, socket_id, ecn_ce, now);
  if (mux_) {
    for (const std::string& packet : transport_->TakeExtensionPackets()) {
      mux_->OnPacket(packet, now);
    }
  }
  const net::ConnectionStats& cs = transport_->connection().stats();
  if (cs.roamed != last_roamed_) {
    last_roamed_ = cs.roamed;
    Log(LogLevel::kInfo,
        "server now attached to client at " + transport_->connection().remote().ToString());
    // A new address is a new path: its bandwidth and delay are unknown.
    if (mux_) mux_->OnPathChange(now);
  }
  HandleUserEvents(now);
}

void ServerCore::HandleUserEvents(TimePoint now) {
  if (transport_->latest_remote_state_num() == consumed_remote_num_) return;
  consumed_remote_num_ = transport_->latest_remote_state_num();
  pieces_->timeouts.OnClientState(now);
  std::vector<state::UserEvent> events;
  transport_->ConsumeRemote([&](const state::UserStream& old, const state::UserStream& newest) {
    events = newest.EventsAfter(old);
  });
  const std::vector<state::UserEvent> compacted = state::UserStream::CompactResizes(events);
  for (const state::UserEvent& event : compacted) {
    if (const auto* byte = std::get_if<state::UserByte>(&event)) {
      std::string translated = emulator_->TranslateUserInput(std::string_view(&byte->byte, 1));
      if (pty_input_.size() + translated.size() > kMaxPendingPtyInput) {
        stats_.dropped_input_bytes += translated.size();
      } else {
        pty_input_ += translated;
      }
    } else if (const auto* resize = std::get_if<state::Resize>(&event)) {
      // A peer may ask for any size (a stock client in a 5000-column
      // window): clamp it into the emulator's range.
      const int cols = term::Emulator::ClampDimension(resize->width);
      const int rows = term::Emulator::ClampDimension(resize->height);
      if (emulator_->Resize(cols, rows)) {
        pty_resize_ = std::make_pair(cols, rows);
        pieces_->pacer.OnOutput(now);
      }
    } else {
      HandleHello(std::get<state::RoamHello>(event), now);
    }
  }
  if (!compacted.empty()) {
    pieces_->echo_ack.RecordUserEvents(consumed_remote_num_, now);
    pieces_->tty_watch.OnActivity(now);
  }
  // The program starts once the first client state (normally its window
  // size) has been applied, so it sees the client's size from the start.
  release_child_ = wants_program_;
}

void ServerCore::HandleHello(const state::RoamHello& hello, TimePoint now) {
  // Answered once, and only when extensions are on: otherwise this server
  // is indistinguishable from mosh-server.
  if (!config_.roam_extensions || !hello.valid() || roam_peer_) return;
  roam_peer_ = true;
  if (hello.no_terminal && !release_child_) wants_program_ = false;
  const channel::TransportParameters ours = channel::LocalParameters(config_.channels);
  state::RoamHello welcome;
  welcome.version = state::kRoamProtocolVersion;
  welcome.features = hello.features & state::kSupportedFeatures;
  // Native scrollback needs the history kept and a channel to fetch it.
  if (config_.scrollback_lines == 0 || !welcome.has(state::kFeatureChannels)) {
    welcome.features &= ~uint64_t{state::kFeatureHistory};
  }
  welcome.initial_max_data = ours.initial_max_data;
  welcome.initial_max_stream_data = ours.initial_max_stream_data;
  welcome.initial_max_streams = ours.initial_max_streams;
  transport_->current_state().SetWelcome(welcome);
  Log(LogLevel::kInfo, "roam client: version " + std::to_string(hello.version) + ", features " +
                           std::to_string(welcome.features));
  if (welcome.has(state::kFeatureEchoHints)) {
    pieces_->tty_watch.OnActivity(now);
    if (pieces_->tty_modes) transport_->current_state().SetEchoHint(*pieces_->tty_modes);
  }
  if (welcome.has(state::kFeatureHistory)) {
    // The client writes the history into the user's terminal: keep it the
    // way that terminal keeps its own.
    history_on_ = true;
    emulator_->set_history_mode(true);
  }
  if (welcome.has(state::kFeatureChannels)) {
    mux_ = std::make_unique<channel::Mux>(
        channel::Side::kServer, config_.channels,
        channel::TransportParameters{hello.initial_max_data, hello.initial_max_stream_data,
                                     hello.initial_max_streams},
        now);
    transport_->set_accept_extensions(true);
  }
}

void ServerCore::OnPtyOutput(std::string_view bytes, TimePoint now) {
  if (bytes.empty()) return;
  emulator_->Write(bytes);
  pieces_->pacer.OnOutput(now, bytes.size());
  pieces_->tty_watch.OnActivity(now);
  std::string replies = emulator_->TakeReplies();
  if (!replies.empty() && pty_input_.size() + replies.size() <= kMaxPendingPtyInput) {
    pty_input_ += replies;
  }
}

void ServerCore::OnTtyModes(const state::EchoHint& modes, TimePoint) {
  if (pieces_->tty_modes == modes) return;
  pieces_->tty_modes = modes;
  // Into the synced state at once, not with the next frame: a hint must
  // never be older than the screen it travels with (a password prompt turns
  // echo off before it prints itself).
  state::ScreenState& synced = transport_->current_state();
  if (synced.welcome().has(state::kFeatureEchoHints) && !transport_->shutdown_in_progress()) {
    synced.SetEchoHint(modes);
  }
}

void ServerCore::ConsumePtyInput(size_t n, TimePoint now) {
  if (n == 0) return;
  pty_input_.erase(0, n);
  pieces_->pacer.OnInput(now);
}

void ServerCore::OnPtyClosed(TimePoint now) {
  if (!wants_program_ || !pty_open_) return;
  pty_open_ = false;
  pty_closed_at_ = now;
}

void ServerCore::OnProgramExit(int status, TimePoint) {
  if (program_exited_) return;
  program_exited_ = true;
  if (roam_peer_ && !transport_->shutdown_in_progress()) {
    transport_->current_state().SetProgramExit(status);
  }
}

void ServerCore::OnSignal(int signal, TimePoint now) {
  switch (signal) {
    case SIGTERM:
    case SIGINT:
      Log(LogLevel::kInfo, "signal received, shutting down");
      StartShutdown(now);
      break;
    case SIGUSR1:
      if (pieces_->timeouts.Sigusr1Ends(now)) {
        Log(LogLevel::kInfo, "SIGUSR1 received, shutting down");
        StartShutdown(now);
      }
      break;
    default:
      break;
  }
}

void ServerCore::StartShutdown(TimePoint now) {
  if (transport_->shutdown_in_progress()) return;
  if (!transport_->connection().has_remote()) {
    done_ = true;  // nobody to tell (docs/protocol.md §5.9)
    return;
  }
  transport_->StartShutdown(now);
}

void ServerCore::HandleChannels(TimePoint now) {
  if (!mux_) return;
  for (const channel::MuxEvent& e : mux_->TakeEvents()) {
    if (!(e.kinds & channel::MuxEvent::kIncoming)) continue;
    Result<RoamChannel::OpenRequest> request = ChannelPolicy::Parse(mux_->Request(e.id));
    if (!request.ok()) {
      ++stats_.bad_channel_requests;
      (void)mux_->Refuse(e.id, request.status().message());
      continue;
    }
    if (Status allowed = config_.policy.Check(*request); !allowed.ok()) {
      ++stats_.channels_refused;
      Log(LogLevel::kInfo, "channel refused: " + allowed.message());
      (void)mux_->Refuse(e.id, allowed.message());
      continue;
    }
    switch (ChannelPolicy::KindOf(*request)) {
      case ChannelKind::kEcho:
      case ChannelKind::kDiscard:
      case ChannelKind::kSource:
        (void)mux_->Accept(e.id);
        pieces_->services[e.id] = MakeTestService(*request, e.id);
        break;
      case ChannelKind::kHistory:
        if (!history_on_) {
          ++stats_.channels_refused;
          (void)mux_->Refuse(e.id, "native scrollback is off on this server");
          break;
        }
        (void)mux_->Accept(e.id);
        pieces_->history[e.id] = std::make_unique<HistoryService>(
            e.id, request->history().first(), request->history().end(), &emulator_->scrollback());
        break;
      default:
        service_requests_.push_back(ServiceRequest{e.id, std::move(*request)});
        break;
    }
  }
  for (auto it = pieces_->services.begin(); it != pieces_->services.end();) {
    it->second->Run(mux_.get());
    it = it->second->done() ? pieces_->services.erase(it) : std::next(it);
  }
  for (auto it = pieces_->history.begin(); it != pieces_->history.end();) {
    it->second->Run(mux_.get());
    it = it->second->done() ? pieces_->history.erase(it) : std::next(it);
  }
  (void)now;
}

std::vector<net::OutgoingDatagram> ServerCore::Tick(TimePoint now) {
  // Push the screen and the echo-ack into the synced state (never after
  // shutdown began: the final state is frozen).
  if (!transport_->shutdown_in_progress() && !done_) {
    if (pieces_->echo_ack.Update(now)) {
      transport_->current_state().SetEchoAck(pieces_->echo_ack.echo_ack());
    }
    const Millis interval = transport_->frame_interval();
    if (pieces_->pacer.ShouldPush(now, interval) || (!pty_open_ && pieces_->pacer.dirty())) {
      transport_->current_state().SetFramebuffer(emulator_->fb());
      if (history_on_) {
        state::ScreenState& state = transport_->current_state();
        state.SetHistory(HistorySnapshot(*emulator_, state.history()));
      }
      pieces_->pacer.OnPushed(now);
    }
    if (!pty_open_ && (program_exited_ || !roam_peer_ || now >= pty_closed_at_ + kExitStatusWait)) {
      // A roam client hears the program's exit status first; the pty's end
      // and the process's exit are noticed separately, so wait briefly.
      Log(LogLevel::kInfo, "the session's program exited; shutting down");
      StartShutdown(now);
    } else if (pieces_->timeouts.NetworkTimedOut(now)) {
      Log(LogLevel::kInfo, "network timeout; shutting down");
      StartShutdown(now);
    } else if (pieces_->timeouts.NoClientExpired(now)) {
      Log(LogLevel::kInfo, "no connection within 60 seconds");
      done_ = true;
    }
  }
  HandleChannels(now);

  std::vector<net::OutgoingDatagram> out = transport_->Tick(now);
  if (mux_ && transport_->connection().has_remote()) {
    const size_t room = transport_->connection().mtu() - kDatagramOverhead;
    for (int i = 0; i < kMaxChannelPacketsPerTick && transport_->fatal_error().ok(); ++i) {
      std::optional<std::string> packet = mux_->NextPacket(now, room);
      if (!packet) break;
      Result<net::OutgoingDatagram> d = transport_->SealExtension(*packet, now);
      if (d.ok()) out.push_back(std::move(*d));
    }
  }
  if (!transport_->fatal_error().ok()) {
    Log(LogLevel::kError, transport_->fatal_error().message());
    exit_status_ = 1;
    done_ = true;
  }
  CheckEnd(now);
  return out;
}

void ServerCore::CheckEnd(TimePoint now) {
  if (transport_->counterparty_shutdown_ack_sent()) done_ = true;  // the client quit
  if (transport_->shutdown_in_progress() &&
      (transport_->shutdown_acknowledged() || transport_->shutdown_ack_timed_out(now) ||
       !transport_->connection().has_remote())) {
    done_ = true;
  }
}

TimePoint ServerCore::NextWakeup(TimePoint now) const {
  if (done_) return kNever;
  const Millis interval = transport_->frame_interval();
  TimePoint wake = std::min(pieces_->echo_ack.NextWakeup(), pieces_->pacer.NextWakeup(interval));
  if (mux_ && transport_->connection().has_remote()) wake = std::min(wake, mux_->NextDeadline(now));
  if (transport_->current_state().welcome().has(state::kFeatureEchoHints) && release_child_ &&
      pty_open_) {
    wake = std::min(wake, pieces_->tty_watch.NextSample(now));
  }
  if (!pty_open_ && !program_exited_ && roam_peer_)
    wake = std::min(wake, pty_closed_at_ + kExitStatusWait);
  const TimePoint ssp = transport_->NextWakeup(now);
  const Duration ssp_wait = ssp == kNever ? Duration::max() : std::max(Duration(0), ssp - now);
  const Duration other_wait = wake == kNever ? Duration::max() : std::max(Duration(0), wake - now);
  const Duration wait =
      pieces_->timeouts.PollTimeout(now, ssp_wait, other_wait, transport_->shutdown_in_progress());
  return now + std::min(wait, kMaxIdleWait);
}

std::string ServerCore::AttachedHost(TimePoint now) const {
  if (!pieces_->timeouts.ClientAttached(now) || !transport_->connection().has_remote()) return "";
  return transport_->connection().remote().HostString();
}

}  // namespace roam::session
