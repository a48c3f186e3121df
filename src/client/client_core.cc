#include "client/client_core.h"

#include <signal.h>

#include <algorithm>
#include <climits>

#include "client/bar_overlay.h"
#include "predict/connect_phase.h"
#include "predict/notification_bar.h"

namespace roam::client {

namespace {

constexpr char kCtrlL = 0x0C;
// Channel packets sent per Tick at most (see ServerCore).
constexpr int kMaxChannelPacketsPerTick = 256;
// Plaintext bytes a datagram adds around a channel packet (docs/protocol.md §3).
constexpr size_t kDatagramOverhead = 28;
// The longest NextWakeup ever asks the adapter to sleep.
constexpr Duration kMaxIdleWait = std::chrono::seconds(1);
// How long a flood of output must have paused before native scrollback
// fetches the lines it missed: three frame intervals (which follow the RTT),
// at least this.
constexpr Duration kMinHistorySettle = std::chrono::milliseconds(100);

bool RowBlank(const term::Row& row) {
  for (int c = 0; c < row.width(); ++c) {
    if (!row.cell(c).pristine()) return false;
  }
  return true;
}

}  // namespace

class ClientCore::Pieces {
 public:
  Pieces(const ClientCoreConfig& config, TimePoint now)
      : display(config.display),
        bar(now, config.program + ": "),
        connect(now, config.server.port()),
        escape(config.escape) {
    bar.SetQuitHint(escape.config().QuitHint());
  }
  term::Display display;
  predict::NotificationBar bar;
  predict::ConnectPhase connect;
  EscapeKey escape;
};

ClientCore::ClientCore(crypto::Key key, ClientCoreConfig config, Random* random, TimePoint now)
    : config_(std::move(config)),
      transport_(std::make_unique<ClientTransport>(
          net::Connection::Client(std::move(key), config_.server), state::UserStream(),
          state::ScreenState(config_.cols, config_.rows), random, now)),
      pieces_(std::make_unique<Pieces>(config_, now)),
      screen_(std::make_unique<LocalScreen>(
          LocalScreenConfig{config_.roam_extensions ? config_.scrollback_lines : 0,
                            config_.alternate_screen_enter, config_.alternate_screen_exit,
                            config_.display},
          config_.cols, config_.rows)) {
  transport_->current_state().PushResize(config_.cols, config_.rows);
  // A keystroke goes out at once: the frame interval still batches fast
  // typing, and one read of the terminal already holds a whole paste or
  // escape sequence, so SSP's 1 ms collection delay only adds to every echo.
  transport_->SetSendMinDelay(Millis(0));
  if (config_.roam_extensions) {
    const channel::TransportParameters ours = channel::LocalParameters(config_.channels);
    state::RoamHello hello;
    hello.version = state::kRoamProtocolVersion;
    hello.features = state::kSupportedFeatures;
    if (config_.scrollback_lines == 0) hello.features &= ~uint64_t{state::kFeatureHistory};
    hello.initial_max_data = ours.initial_max_data;
    hello.initial_max_stream_data = ours.initial_max_stream_data;
    hello.initial_max_streams = ours.initial_max_streams;
    hello.no_terminal = config_.no_terminal;
    transport_->current_state().PushHello(hello);
  }
  prediction_.set_display_mode(config_.predict_mode);
  prediction_.set_overwrite(config_.predict_overwrite);
}

ClientCore::~ClientCore() = default;

void ClientCore::StartShutdown(TimePoint now, const std::string& why) {
  if (transport_->shutdown_in_progress()) return;
  pieces_->bar.SetMessage(why, now, /*permanent=*/true);
  if (!transport_->connection().has_remote()) {
    done_ = true;
    return;
  }
  transport_->StartShutdown(now);
}

void ClientCore::Receive(std::string_view datagram, const net::Address& from, int socket_id,
                         bool ecn_ce, TimePoint now) {
  transport_->Receive(datagram, from, socket_id, ecn_ce, now);
  if (mux_) {
    for (const std::string& packet : transport_->TakeExtensionPackets()) {
      mux_->OnPacket(packet, now);
    }
  }
  HandleRemoteState(now);
}

void ClientCore::HandleRemoteState(TimePoint now) {
  const uint64_t num = transport_->latest_remote_state_num();
  if (num == seen_remote_num_) return;
  seen_remote_num_ = num;
  // The first server state ends the connect phase: its permanent "Nothing
  // received" message (shown when the reply takes over 250 ms) must go.
  if (!ever_connected_) pieces_->bar.ClearMessage();
  ever_connected_ = true;
  pieces_->bar.ServerHeard(transport_->last_new_state_at());
  const state::ScreenState& remote = transport_->latest_remote_state();
  prediction_.SetLocalFrameAcked(transport_->acked_state_num());
  prediction_.SetEchoAck(remote.echo_ack());
  // A roam server's view of its pty (docs/protocol.md §8.4).
  if (const std::optional<state::EchoHint>& hint = remote.echo_hint()) {
    prediction_.SetTtyHint(predict::TtyHint{hint->echo, hint->canonical, hint->foreground});
  }
  // The predictions are culled against the new screen by the next Draw().

  // A roam server's Welcome: the features both sides use from now on.
  const state::RoamHello& welcome = remote.welcome();
  if (!mux_ && config_.roam_extensions && welcome.valid() && welcome.has(state::kFeatureChannels)) {
    mux_ = std::make_unique<channel::Mux>(
        channel::Side::kClient, config_.channels,
        channel::TransportParameters{welcome.initial_max_data, welcome.initial_max_stream_data,
                                     welcome.initial_max_streams},
        now);
    transport_->set_accept_extensions(true);
  }
  screen_->OnRemoteState(remote, now);
}

void ClientCore::OnUserInput(std::string_view bytes, TimePoint now) {
  if (transport_->shutdown_in_progress()) return;  // the final state is frozen
  for (const EscapeEvent& event : pieces_->escape.Feed(bytes)) {
    switch (event.kind) {
      case EscapeEvent::Kind::kSend:
        prediction_.SetLocalFrameSent(transport_->last_sent_state_num());
        prediction_.NewUserBytes(event.bytes, transport_->latest_remote_state().fb(), now);
        transport_->current_state().PushBytes(event.bytes);
        // Ctrl-L still goes to the server, and also repaints our terminal.
        if (event.bytes.find(kCtrlL) != std::string::npos) repaint_ = true;
        break;
      case EscapeEvent::Kind::kShowHelp:
        pieces_->bar.SetMessage(pieces_->escape.config().HelpText(), now, /*permanent=*/true,
                                /*with_quit_hint=*/false);
        break;
      case EscapeEvent::Kind::kClearHelp:
        pieces_->bar.ClearMessage();
        break;
      case EscapeEvent::Kind::kQuit:
        StartShutdown(now, "Exiting on user request...");
        return;
      case EscapeEvent::Kind::kSuspend:
        suspend_requested_ = true;
        break;
    }
  }
}

void ClientCore::OnInputClosed(TimePoint now) {
  if (!input_open_) return;
  input_open_ = false;
  StartShutdown(now, "Exiting...");
}

void ClientCore::OnWindowSize(int cols, int rows, TimePoint now) {
  (void)now;
  if (cols <= 0 || rows <= 0 || transport_->shutdown_in_progress()) return;
  transport_->current_state().PushResize(cols, rows);
  screen_->OnWindowSize(cols, rows, last_drawn_);
  prediction_.OnResize();
  repaint_ = true;
}

void ClientCore::OnSignal(int signal, TimePoint now) {
  if (signal == SIGCONT) {
    repaint_ = true;
    return;
  }
  StartShutdown(now, "Signal received, shutting down...");
}

void ClientCore::OnResumed(TimePoint) {
  screen_->OnResumed();
  repaint_ = true;
}

void ClientCore::Notify(const std::string& message, TimePoint now) {
  pieces_->bar.SetMessage(message, now);
}

void ClientCore::OnSendStatus(const Status& error, TimePoint now) {
  if (!error.ok()) {
    pieces_->bar.SetNetworkError(error.message(), now);
  } else {
    pieces_->bar.NoteSendSucceeded(now);
  }
}

std::vector<net::OutgoingDatagram> ClientCore::Tick(TimePoint now) {
  if (!transport_->has_remote_state() && !transport_->shutdown_in_progress()) {
    predict::ConnectPhase::Step step = pieces_->connect.Check(now);
    if (step.message) pieces_->bar.SetMessage(*step.message, now, /*permanent=*/true);
    if (step.give_up) {
      gave_up_ = true;
      StartShutdown(now, "Timed out waiting for server...");
    }
  } else if (ever_connected_ && transport_->has_remote_state() &&
             !transport_->shutdown_in_progress() &&
             seen_remote_num_ == transport_->latest_remote_state_num()) {
    pieces_->bar.ServerAcked(transport_->last_acked_time());
  }

  if (mux_) {
    for (const channel::MuxEvent& e : mux_->TakeEvents()) {
      if (!(e.kinds & channel::MuxEvent::kIncoming)) continue;
      IncomingChannel incoming;
      incoming.id = e.id;
      const std::string request = mux_->Request(e.id);
      if (request.size() > static_cast<size_t>(INT_MAX) ||
          !incoming.request.ParseFromArray(request.data(), static_cast<int>(request.size()))) {
        (void)mux_->Refuse(e.id, "unreadable channel request");
        continue;
      }
      incoming_.push_back(std::move(incoming));
    }
  }
  screen_->Run(mux_.get(), now, HistorySettle());
  std::vector<net::OutgoingDatagram> out = transport_->Tick(now);
  if (mux_) {
    const size_t room = transport_->connection().mtu() - kDatagramOverhead;
    for (int i = 0; i < kMaxChannelPacketsPerTick && transport_->fatal_error().ok(); ++i) {
      std::optional<std::string> packet = mux_->NextPacket(now, room);
      if (!packet) break;
      Result<net::OutgoingDatagram> d = transport_->SealExtension(*packet, now);
      if (d.ok()) out.push_back(std::move(*d));
    }
  }
  if (!transport_->fatal_error().ok()) done_ = true;
  if (transport_->counterparty_shutdown_ack_sent()) done_ = true;  // the server ended it
  if (transport_->shutdown_in_progress() &&
      (transport_->shutdown_acknowledged() || transport_->shutdown_ack_timed_out(now))) {
    done_ = true;
  }
  return out;
}

TimePoint ClientCore::NextWakeup(TimePoint now) const {
  if (done_) return kNever;
  TimePoint wake = std::min({transport_->NextWakeup(now), prediction_.NextWakeup(now),
                             pieces_->bar.Render(now).next_update, now + kMaxIdleWait});
  if (!transport_->has_remote_state())
    wake = std::min(wake, pieces_->connect.Check(now).next_wakeup);
  if (mux_) wake = std::min(wake, mux_->NextDeadline(now));
  wake = std::min(wake, screen_->NextWakeup(now, HistorySettle()));
  return std::max(wake, now);
}

Duration ClientCore::HistorySettle() const {
  return std::max<Duration>(kMinHistorySettle, 3 * transport_->connection().rtt().send_interval());
}

std::string ClientCore::Draw(TimePoint now, bool with_bar) {
  std::string out;
  const bool bar = with_bar && pieces_->bar.Render(now).text.has_value();
  if (!screen_->BeginFrame(transport_->has_remote_state(), bar, &repaint_, &out)) return out;
  const term::Framebuffer& remote = transport_->latest_remote_state().fb();
  term::Framebuffer frame = screen_->Frame(remote);
  prediction_.SetSendInterval(transport_->connection().rtt().send_interval());
  prediction_.Cull(remote, now);
  prediction_.Apply(&frame);
  if (with_bar) {
    predict::BarRender render = pieces_->bar.Render(now);
    if (render.text) DrawBar(*render.text, predict::kBarColors, &frame);
  }
  // Native scrollback: the lines that left the screen go into the
  // terminal's history before the frame that follows them.
  screen_->WriteHistory(&last_drawn_, repaint_, &out);
  const term::Display& display = screen_->normal() ? screen_->normal_display() : pieces_->display;
  const bool initialized = last_drawn_.has_value() && !repaint_;
  out += display.NewFrame(initialized, last_drawn_ ? *last_drawn_ : frame, frame);
  last_drawn_ = std::move(frame);
  repaint_ = false;
  return out;
}

std::string ClientCore::FinalScreenText() const {
  const term::Framebuffer& fb = transport_->latest_remote_state().fb();
  int rows = fb.height();
  while (rows > 0 && RowBlank(fb.row(rows - 1))) --rows;
  return pieces_->display.InlineRows(fb, 0, rows);
}

ClientOutcome ClientCore::Outcome() const {
  ClientOutcome outcome;
  if (gave_up_ || !ever_connected_) {
    outcome.exit_status = 1;
    outcome.message = config_.connect_failure_message.empty()
                          ? predict::ConnectFailureText(
                                config_.program, config_.server.HostString(), config_.server.port())
                          : config_.connect_failure_message + "\n";
    return outcome;
  }
  const bool clean =
      transport_->shutdown_acknowledged() || transport_->counterparty_shutdown_ack_sent();
  if (!clean) {
    outcome.exit_status = 1;
    outcome.message = predict::UncleanShutdownText(config_.program, config_.server.HostString());
  }
  return outcome;
}

}  // namespace roam::client
