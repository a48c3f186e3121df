// ChannelSession: the I/O adapter for a terminal-less session (see
// channel_session.h).

#include "client/channel_session.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <optional>
#include <vector>

#include "base/clock.h"
#include "base/random.h"
#include "base/signal_pipe.h"
#include "client/client_core.h"
#include "client/datagram_paths.h"
#include "client/stdio_pump.h"
#include "net/udp_endpoint.h"
#include "service/exec_records.h"
#include "wire/channel_open.pb.h"

namespace roam::client {

namespace {

constexpr Millis kPollCap = std::chrono::seconds(1);

// A channel of this process's session as StdioPump's stream.
class MuxStream final : public ByteStream {
 public:
  MuxStream(channel::Mux* mux, uint64_t id) : mux_(mux), id_(id) {}
  uint64_t id() const { return id_; }

  size_t writable() const override {
    std::optional<channel::ChannelInfo> info = mux_->Info(id_);
    return info ? info->writable : 0;
  }
  size_t Write(std::string_view data) override { return mux_->Write(id_, data); }
  size_t Read(std::string* out, size_t max) override { return mux_->Read(id_, out, max); }
  void CloseWrite() override { mux_->CloseWrite(id_); }
  void Cancel() override { mux_->Reset(id_, channel::kErrorCancelled); }
  bool eof() const override {
    std::optional<channel::ChannelInfo> info = mux_->Info(id_);
    return info && info->eof;
  }
  std::optional<std::string> broken() const override {
    std::optional<channel::ChannelInfo> info = mux_->Info(id_);
    if (!info) return std::nullopt;
    if (info->phase == channel::ChannelPhase::kRefused) {
      return "the server refused the channel: " + info->reason;
    }
    if (info->peer_reset) {
      return "the service ended the channel (error " + std::to_string(info->peer_reset_code) + ")";
    }
    return std::nullopt;
  }

 private:
  channel::Mux* mux_;
  uint64_t id_;
};

}  // namespace

std::string ChannelTestRequest(const std::string& spec) {
  RoamChannel::OpenRequest request;
  if (spec == "echo") {
    request.mutable_echo();
  } else if (spec == "discard") {
    request.mutable_discard();
  } else {
    request.mutable_source()->set_bytes(std::stoull(spec.substr(spec.find(':') + 1)));
  }
  return request.SerializeAsString();
}

std::string ExecRequest(const std::vector<std::string>& words,
                        const std::function<std::optional<std::string>(const std::string&)>& env,
                        bool subsystem) {
  RoamChannel::OpenRequest request;
  RoamChannel::Exec* exec = request.mutable_exec();
  std::string command;
  for (const std::string& w : words) command += (command.empty() ? "" : " ") + w;
  if (subsystem) {
    exec->set_subsystem(command);
  } else {
    exec->set_command(command);
  }
  for (const char* name : {"LANG", "LANGUAGE", "LC_CTYPE", "LC_NUMERIC", "LC_TIME", "LC_COLLATE",
                           "LC_MONETARY", "LC_MESSAGES", "LC_PAPER", "LC_NAME", "LC_ADDRESS",
                           "LC_TELEPHONE", "LC_MEASUREMENT", "LC_IDENTIFICATION", "LC_ALL"}) {
    if (std::optional<std::string> value = env(name))
      exec->add_env(std::string(name) + "=" + *value);
  }
  return request.SerializeAsString();
}

struct ChannelSession::Impl {
  Impl(crypto::Key k, ChannelSessionConfig c)
      : key(std::move(k)), config(std::move(c)), pump(config.exec) {}

  int Run();
  void Fail(const std::string& message, TimePoint now);
  void Pump(TimePoint now, bool stdin_ready, bool stdout_ready);
  void OnSignal(int sig, TimePoint now);

  crypto::Key key;
  ChannelSessionConfig config;
  SystemClock clock;
  SystemRandom random;
  std::unique_ptr<SignalPipe> signals;
  std::unique_ptr<ClientCore> core;
  std::unique_ptr<ClientForwarding> forwarding;
  net::UdpEndpoint endpoint = net::UdpEndpoint::ForClient();

  std::optional<MuxStream> stream;  // once the channel is opened
  StdioPump pump;
  TimePoint opened_at{};
};

ChannelSession::ChannelSession(crypto::Key key, ChannelSessionConfig config)
    : impl_(std::make_unique<Impl>(std::move(key), std::move(config))) {}

ChannelSession::~ChannelSession() = default;

int ChannelSession::Run() { return impl_->Run(); }

void ChannelSession::Impl::Fail(const std::string& message, TimePoint now) {
  pump.Fail(message);
  core->Quit(now);
}

void ChannelSession::Impl::Pump(TimePoint now, bool stdin_ready, bool stdout_ready) {
  channel::Mux* mux = core->mux();
  if (!stream) {
    if (core->ever_connected() && !core->welcome().valid()) {
      return Fail("the server does not speak roam's channels (is it a stock mosh-server?)", now);
    }
    if (config.request.empty()) return;  // -N: forwarding only
    if (mux) {
      Result<uint64_t> id = mux->Open(config.request, now);
      if (!id.ok()) return Fail(id.status().message(), now);
      stream.emplace(mux, *id);
      opened_at = now;
      if (config.stdin_null) pump.CloseStdin(&*stream);
    }
    return;
  }
  pump.Step(&*stream, stdin_ready, stdout_ready);
  if (pump.finished()) {
    mux->Release(stream->id());
    core->Quit(now);
  }
}

void ChannelSession::Impl::OnSignal(int sig, TimePoint now) {
  // The first interrupt goes to the command, as if it had been typed at a
  // terminal; another one (or any before the command runs) ends roam.
  if (stream && pump.PassSignal(&*stream, sig)) return;
  core->OnSignal(sig, now);
  pump.Fail("interrupted");
}

int ChannelSession::Impl::Run() {
  Result<std::unique_ptr<SignalPipe>> installed =
      SignalPipe::Install({SIGTERM, SIGINT, SIGHUP, SIGPIPE});
  if (!installed.ok()) {
    std::fprintf(stderr, "%s: %s\n", config.program.c_str(), installed.status().message().c_str());
    return StdioPump::kFailureStatus;
  }
  signals = std::move(*installed);
  const int in_flags = fcntl(STDIN_FILENO, F_GETFL);
  const int out_flags = fcntl(STDOUT_FILENO, F_GETFL);
  fcntl(STDIN_FILENO, F_SETFL, in_flags | O_NONBLOCK);
  fcntl(STDOUT_FILENO, F_SETFL, out_flags | O_NONBLOCK);

  ClientCoreConfig core_config;
  core_config.server = config.server;
  core_config.program = config.program;
  core_config.predict_mode = predict::DisplayMode::kNever;
  core_config.no_terminal = true;
  core_config.connect_failure_message = config.connect_failure_message;
  forwarding = std::make_unique<ClientForwarding>(config.forwarding);
  if (Status s = forwarding->Start(); !s.ok()) {
    std::fprintf(stderr, "%s: %s\n", config.program.c_str(), s.message().c_str());
  }
  TimePoint now = clock.Now();
  core = std::make_unique<ClientCore>(std::move(key), std::move(core_config), &random, now);
  DatagramPaths paths(core.get(), &endpoint, config.transport, config.stream_opener,
                      std::move(config.initial_stream), now);
  std::string path_shown(paths.Describe(now));
  const TimePoint started = now;

  while (!core->done()) {
    now = clock.Now();
    std::vector<pollfd> fds;
    paths.AddPollFds(&fds);
    const size_t first_local = fds.size();
    fds.push_back(pollfd{signals->read_fd(), POLLIN, 0});
    const bool want_input = stream && pump.wants_stdin(*stream);
    fds.push_back(pollfd{want_input ? STDIN_FILENO : -1, POLLIN, 0});
    fds.push_back(pollfd{pump.wants_stdout() ? STDOUT_FILENO : -1, POLLOUT, 0});
    forwarding->AddPollFds(&fds);
    const TimePoint wake = std::min(core->NextWakeup(now), paths.NextWakeup(now));
    const int timeout_ms = static_cast<int>(
        std::clamp<int64_t>(std::chrono::ceil<Millis>(wake - now).count(), 0, kPollCap.count()));
    poll(fds.data(), fds.size(), timeout_ms);
    now = clock.Now();

    paths.OnPolled(fds, now);
    if (fds[first_local].revents & POLLIN) {
      for (int sig : signals->Drain()) OnSignal(sig, now);
    }
    if (!pump.finished()) {
      Pump(now, fds[first_local + 1].revents & (POLLIN | POLLHUP | POLLERR),
           fds[first_local + 2].revents & (POLLOUT | POLLERR));
    }
    if (!pump.finished()) forwarding->Run(core->mux(), core->TakeIncomingChannels(), fds, now);
    for (const std::string& m : forwarding->TakeMessages()) {
      std::fprintf(stderr, "%s: %s\n", config.program.c_str(), m.c_str());
    }
    Status flushed = paths.Flush(now);
    if (!flushed.ok()) break;
    for (const std::string& e : paths.TakeEvents()) {
      if (config.verbose) {
        std::fprintf(stderr, "%s: %s (%.2f s after the start)\n", config.program.c_str(), e.c_str(),
                     std::chrono::duration<double>(now - started).count());
      }
    }
    if (paths.Describe(now) != path_shown) {
      path_shown = paths.Describe(now);
      if (config.verbose) {
        std::fprintf(stderr, "%s: datagrams go over %s (%.2f s after the start)\n",
                     config.program.c_str(), path_shown.c_str(),
                     std::chrono::duration<double>(now - started).count());
      }
    }
  }
  forwarding->Abort();
  fcntl(STDIN_FILENO, F_SETFL, in_flags);
  fcntl(STDOUT_FILENO, F_SETFL, out_flags);

  const ClientOutcome outcome = core->Outcome();
  int status = pump.status();
  if (!pump.failure().empty()) {
    std::fprintf(stderr, "%s: %s\n", config.program.c_str(), pump.failure().c_str());
  } else if (outcome.exit_status != 0) {
    if (!outcome.message.empty()) std::fputs(outcome.message.c_str(), stderr);
    status = StdioPump::kFailureStatus;
  } else if (!pump.finished()) {
    status = StdioPump::kFailureStatus;
  }
  if (config.verbose && stream && core->mux()) {
    const double seconds = std::chrono::duration<double>(clock.Now() - opened_at).count();
    const channel::Mux& mux = *core->mux();
    std::fprintf(stderr,
                 "%s: channel: %llu bytes out, %llu bytes in, %.3f s, %.1f MB/s in; srtt %.1f ms, "
                 "%llu packets lost, congestion control %.*s\n",
                 config.program.c_str(), static_cast<unsigned long long>(pump.bytes_out()),
                 static_cast<unsigned long long>(pump.bytes_in()), seconds,
                 seconds > 0 ? static_cast<double>(pump.bytes_in()) / seconds / 1e6 : 0.0,
                 std::chrono::duration<double, std::milli>(mux.rtt().smoothed()).count(),
                 static_cast<unsigned long long>(mux.loss_stats().packets_lost),
                 static_cast<int>(mux.congestion_algorithm().size()),
                 mux.congestion_algorithm().data());
  }
  return status;
}

}  // namespace roam::client
