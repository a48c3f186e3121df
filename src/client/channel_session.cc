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
#include "net/udp_endpoint.h"
#include "service/exec_records.h"
#include "wire/channel_open.pb.h"

namespace roam::client {

namespace {

constexpr int kPollCapMs = 1000;
// Bytes read from the channel and not yet written to stdout, at most.
constexpr size_t kMaxPendingOutput = 1 << 20;
constexpr size_t kReadChunk = 256 * 1024;
constexpr int kFailureStatus = 255;

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
  Impl(crypto::Key k, ChannelSessionConfig c) : key(std::move(k)), config(std::move(c)) {}

  int Run();
  void Fail(const std::string& message, TimePoint now);
  void Pump(TimePoint now, bool stdin_ready, bool stdout_ready);
  void ReadChannel(channel::Mux* mux, TimePoint now);
  void OnSignal(int sig, TimePoint now);

  crypto::Key key;
  ChannelSessionConfig config;
  SystemClock clock;
  SystemRandom random;
  std::unique_ptr<SignalPipe> signals;
  std::unique_ptr<ClientCore> core;
  std::unique_ptr<ClientForwarding> forwarding;
  net::UdpEndpoint endpoint = net::UdpEndpoint::ForClient();

  std::optional<uint64_t> channel;
  bool stdin_open = true;
  bool stdout_open = true;
  bool finished = false;  // the service is done and its output written
  std::string output;     // from the channel, for stdout
  std::string errors;     // from the channel, for stderr (exec)
  service::RecordReader records;
  std::optional<int> exit_status;
  int signals_passed = 0;
  int status = 0;
  std::string failure;
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
  TimePoint opened_at{};
};

ChannelSession::ChannelSession(crypto::Key key, ChannelSessionConfig config)
    : impl_(std::make_unique<Impl>(std::move(key), std::move(config))) {}

ChannelSession::~ChannelSession() = default;

int ChannelSession::Run() { return impl_->Run(); }

void ChannelSession::Impl::Fail(const std::string& message, TimePoint now) {
  if (failure.empty()) failure = message;
  status = kFailureStatus;
  finished = true;
  core->Quit(now);
}

void ChannelSession::Impl::Pump(TimePoint now, bool stdin_ready, bool stdout_ready) {
  channel::Mux* mux = core->mux();
  if (!channel) {
    if (core->ever_connected() && !core->welcome().valid()) {
      return Fail("the server does not speak roam's channels (is it a stock mosh-server?)", now);
    }
    if (config.request.empty()) return;  // -N: forwarding only
    if (mux) {
      Result<uint64_t> id = mux->Open(config.request, now);
      if (!id.ok()) return Fail(id.status().message(), now);
      channel = *id;
      opened_at = now;
      if (config.stdin_null) {
        stdin_open = false;
        mux->CloseWrite(*channel);
      }
    }
    return;
  }
  std::optional<channel::ChannelInfo> info = mux->Info(*channel);
  if (!info) return;
  if (info->phase == channel::ChannelPhase::kRefused) {
    return Fail("the server refused the channel: " + info->reason, now);
  }
  const size_t header = config.exec ? service::kMaxRecordHeader : 0;
  if (stdin_ready && stdin_open && info->writable > header) {
    size_t room = std::min(info->writable - header, kReadChunk);
    if (config.exec) room = std::min(room, service::kMaxRecordPayload);
    std::string buf(room, '\0');
    ssize_t n = read(STDIN_FILENO, buf.data(), buf.size());
    if (n > 0) {
      buf.resize(static_cast<size_t>(n));
      if (config.exec) {
        std::string record;
        service::AppendRecord(service::RecordType::kData, buf, &record);
        buf = std::move(record);
      }
      (void)mux->Write(*channel, buf);
      bytes_out += static_cast<uint64_t>(n);
    } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
      stdin_open = false;
      mux->CloseWrite(*channel);
    }
  }
  ReadChannel(mux, now);
  if (finished) return;
  while (!errors.empty()) {
    ssize_t n = write(STDERR_FILENO, errors.data(), errors.size());
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      errors.clear();  // stderr is gone; nothing to do about it
      break;
    }
    errors.erase(0, static_cast<size_t>(n));
  }
  if (stdout_ready && !output.empty() && stdout_open) {
    ssize_t n = write(STDOUT_FILENO, output.data(), output.size());
    if (n > 0) {
      output.erase(0, static_cast<size_t>(n));
    } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
      stdout_open = false;  // nobody reads our output: stop the service
      mux->Reset(*channel, channel::kErrorCancelled);
    }
  }
  info = mux->Info(*channel);
  if (!info) return;
  if (info->peer_reset)
    return Fail(
        "the service ended the channel (error " + std::to_string(info->peer_reset_code) + ")", now);
  if (!finished && info->eof && (output.empty() || !stdout_open)) {
    finished = true;
    if (config.exec) {
      if (exit_status) {
        status = *exit_status;
      } else {
        failure = "the command's exit status did not arrive";
        status = kFailureStatus;
      }
    }
    mux->CloseWrite(*channel);
    mux->Release(*channel);
    core->Quit(now);
  }
}

void ChannelSession::Impl::ReadChannel(channel::Mux* mux, TimePoint now) {
  for (int round = 0; round < 16; ++round) {
    if (output.size() >= kMaxPendingOutput || errors.size() >= kMaxPendingOutput) return;
    std::string bytes;
    const size_t n = mux->Read(*channel, &bytes, kMaxPendingOutput - output.size());
    if (n == 0) return;
    bytes_in += n;
    if (!config.exec) {
      output += bytes;
      continue;
    }
    records.Feed(bytes);
    for (;;) {
      Result<std::optional<service::Record>> record = records.Next();
      if (!record.ok()) return Fail("unreadable data from the command's channel", now);
      if (!*record) break;
      service::Record& r = **record;
      if (r.type == service::RecordType::kData) {
        output += r.payload;
      } else if (r.type == service::RecordType::kStderr) {
        errors += r.payload;
      } else if (r.type == service::RecordType::kExit) {
        Result<uint64_t> code = service::RecordNumber(r.payload);
        if (!code.ok()) return Fail(code.status().message(), now);
        exit_status = static_cast<int>(std::min<uint64_t>(*code, 255));
      }
    }
  }
}

void ChannelSession::Impl::OnSignal(int sig, TimePoint now) {
  // The first interrupt goes to the command, as if it had been typed at a
  // terminal; another one (or any before the command runs) ends roam.
  if (config.exec && channel && core->mux() && signals_passed == 0 && sig != SIGPIPE) {
    ++signals_passed;
    (void)core->mux()->Write(*channel, service::SignalRecord(sig));
    return;
  }
  core->OnSignal(sig, now);
  if (failure.empty()) failure = "interrupted";
  status = kFailureStatus;
  finished = true;
}

int ChannelSession::Impl::Run() {
  Result<std::unique_ptr<SignalPipe>> installed =
      SignalPipe::Install({SIGTERM, SIGINT, SIGHUP, SIGPIPE});
  if (!installed.ok()) {
    std::fprintf(stderr, "%s: %s\n", config.program.c_str(), installed.status().message().c_str());
    return kFailureStatus;
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
  DatagramPaths pump(core.get(), &endpoint, config.transport, config.stream_opener,
                     std::move(config.initial_stream), now);
  std::string path_shown(pump.Describe(now));
  const TimePoint started = now;

  while (!core->done()) {
    now = clock.Now();
    std::vector<pollfd> fds;
    pump.AddPollFds(&fds);
    const size_t first_local = fds.size();
    fds.push_back(pollfd{signals->read_fd(), POLLIN, 0});
    bool want_input = channel && stdin_open && !finished;
    if (want_input) {
      // Only when the channel can take what would be read: a readable
      // stdin must not spin the loop while the peer is slow.
      std::optional<channel::ChannelInfo> info = core->mux()->Info(*channel);
      want_input = info && info->writable > service::kMaxRecordHeader;
    }
    fds.push_back(pollfd{want_input ? STDIN_FILENO : -1, POLLIN, 0});
    fds.push_back(pollfd{!output.empty() && stdout_open ? STDOUT_FILENO : -1, POLLOUT, 0});
    forwarding->AddPollFds(&fds);
    const TimePoint wake = std::min(core->NextWakeup(now), pump.NextWakeup(now));
    const int timeout_ms = static_cast<int>(
        std::clamp<int64_t>(std::chrono::ceil<Millis>(wake - now).count(), 0, kPollCapMs));
    poll(fds.data(), fds.size(), timeout_ms);
    now = clock.Now();

    pump.OnPolled(fds, now);
    if (fds[first_local].revents & POLLIN) {
      for (int sig : signals->Drain()) OnSignal(sig, now);
    }
    if (!finished) {
      Pump(now, fds[first_local + 1].revents & (POLLIN | POLLHUP | POLLERR),
           fds[first_local + 2].revents & (POLLOUT | POLLERR));
    }
    if (!finished) forwarding->Run(core->mux(), core->TakeIncomingChannels(), fds, now);
    for (const std::string& m : forwarding->TakeMessages()) {
      std::fprintf(stderr, "%s: %s\n", config.program.c_str(), m.c_str());
    }
    Status flushed = pump.Flush(now);
    if (!flushed.ok()) break;
    for (const std::string& e : pump.TakeEvents()) {
      if (config.verbose) {
        std::fprintf(stderr, "%s: %s (%.2f s after the start)\n", config.program.c_str(), e.c_str(),
                     std::chrono::duration<double>(now - started).count());
      }
    }
    if (pump.Describe(now) != path_shown) {
      path_shown = pump.Describe(now);
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
  if (!failure.empty()) {
    std::fprintf(stderr, "%s: %s\n", config.program.c_str(), failure.c_str());
  } else if (outcome.exit_status != 0) {
    if (!outcome.message.empty()) std::fputs(outcome.message.c_str(), stderr);
    status = kFailureStatus;
  } else if (!finished) {
    status = kFailureStatus;
  }
  if (config.verbose && channel && core->mux()) {
    const double seconds = std::chrono::duration<double>(clock.Now() - opened_at).count();
    const channel::Mux& mux = *core->mux();
    std::fprintf(stderr,
                 "%s: channel: %llu bytes out, %llu bytes in, %.3f s, %.1f MB/s in; srtt %.1f ms, "
                 "%llu packets lost, congestion control %.*s\n",
                 config.program.c_str(), static_cast<unsigned long long>(bytes_out),
                 static_cast<unsigned long long>(bytes_in), seconds,
                 seconds > 0 ? static_cast<double>(bytes_in) / seconds / 1e6 : 0.0,
                 std::chrono::duration<double, std::milli>(mux.rtt().smoothed()).count(),
                 static_cast<unsigned long long>(mux.loss_stats().packets_lost),
                 static_cast<int>(mux.congestion_algorithm().size()),
                 mux.congestion_algorithm().data());
  }
  return status;
}

}  // namespace roam::client
