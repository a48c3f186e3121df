// Interop at the transport level with the real Debian mosh 1.4 binaries.
//
// (a) roam's client transport talks to a real mosh-server: it sends a resize
//     and keystrokes that run a command, receives host bytes that contain the
//     command's output, and shuts the session down cleanly (the server exits).
// (b) a real mosh-client, in a tmux pane and given the key through MOSH_KEY,
//     talks to roam's server transport: roam decodes its resize and the keys
//     typed into the pane, sends host bytes that appear in the pane, ends the
//     session, and the client exits with status 0.
//
// Both run on loopback with real sockets and the real clock; every wait is
// bounded polling on a process, a socket or a pane.

#include <poll.h>
#include <signal.h>

#include <regex>
#include <string>

#include <gtest/gtest.h>

#include "base/clock.h"
#include "base/random.h"
#include "crypto/key.h"
#include "net/address.h"
#include "net/connection.h"
#include "net/udp_endpoint.h"
#include "ssp/transport.h"
#include "ssp/udp_pump.h"
#include "state/user_stream.h"
#include "support/host_bytes_state.h"
#include "support/subprocess.h"
#include "support/tmux_session.h"

namespace roam {
namespace {

using std::chrono::milliseconds;
using ClientTransport = ssp::Transport<state::UserStream, state::HostBytesState>;
using ServerTransport = ssp::Transport<state::HostBytesState, state::UserStream>;

constexpr milliseconds kStepTimeout(20000);

// Runs one poll round for `pump` (at most `cap_ms`), then flushes.
template <typename Pump>
void RunRound(Pump* pump, const SystemClock& clock, int cap_ms) {
  std::vector<pollfd> fds;
  pump->AddPollFds(&fds);
  int timeout = pump->PollTimeoutMs(clock.Now(), cap_ms);
  if (!fds.empty()) {
    poll(fds.data(), fds.size(), timeout);
  } else {
    poll(nullptr, 0, timeout);
  }
  pump->OnPolled(fds, clock.Now());
  ASSERT_TRUE(pump->Flush(clock.Now()).ok());
}

// Drives `pump` until `done()` holds or `timeout` passes.
template <typename Pump>
bool RunUntil(Pump* pump, const SystemClock& clock, const std::function<bool()>& done,
              milliseconds timeout) {
  const TimePoint deadline = clock.Now() + timeout;
  while (clock.Now() < deadline) {
    if (done()) return true;
    RunRound(pump, clock, 20);
  }
  return done();
}

bool ProcessGone(pid_t pid) {
  if (kill(pid, 0) != 0) return true;
  // A zombie that nobody has reaped yet has exited too.
  const std::string line = testing::ReadFileBytes("/proc/" + std::to_string(pid) + "/stat");
  auto close = line.rfind(')');
  return close != std::string::npos && line.size() > close + 2 && line[close + 2] == 'Z';
}

std::string AllKeys(const state::UserStream& s) {
  std::string keys;
  for (const auto& e : s.events()) {
    if (const auto* b = std::get_if<state::UserByte>(&e)) keys.push_back(b->byte);
  }
  return keys;
}

std::optional<state::Resize> LastResize(const state::UserStream& s) {
  std::optional<state::Resize> last;
  for (const auto& e : s.events()) {
    if (const auto* r = std::get_if<state::Resize>(&e)) last = *r;
  }
  return last;
}

class MoshInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(testing::HaveProgram("mosh-server") && testing::HaveProgram("mosh-client"))
        << "the Debian mosh package is required (scripts/install-deps.sh installs it)";
  }
};

TEST_F(MoshInteropTest, RoamClientTransportAgainstMoshServer) {
  testing::SubprocessOptions options;
  options.env = {"LANG=C.UTF-8", "LC_ALL=C.UTF-8", "PS1=$ "};
  testing::Subprocess server({"mosh-server", "new", "-i", "127.0.0.1", "-p", "0", "--", "/bin/sh"},
                             options);
  ASSERT_EQ(server.Wait(kStepTimeout), 0) << server.output();
  std::smatch m;
  const std::string out = server.output();
  ASSERT_TRUE(std::regex_search(out, m, std::regex(R"(MOSH CONNECT (\d+) ([A-Za-z0-9/+]{22}))")))
      << out;
  const uint16_t port = static_cast<uint16_t>(std::stoi(m[1]));
  Result<crypto::Key> key = crypto::Key::FromBase64(m[2].str());
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  std::smatch pm;
  ASSERT_TRUE(std::regex_search(out, pm, std::regex(R"(detached, pid = (\d+))"))) << out;
  const pid_t server_pid = static_cast<pid_t>(std::stoi(pm[1]));
  // Whatever happens below, the detached server is ended by its PID.
  struct Reaper {
    pid_t pid;
    ~Reaper() {
      if (!ProcessGone(pid)) kill(pid, SIGTERM);
    }
  } reaper{server_pid};

  SystemClock clock;
  SeededRandom random(1);
  Result<net::Address> server_address = net::Address::Parse("127.0.0.1", port);
  ASSERT_TRUE(server_address.ok());
  ClientTransport client(net::Connection::Client(std::move(*key), *server_address),
                         state::UserStream(), state::HostBytesState(), &random, clock.Now());
  net::UdpEndpoint endpoint = net::UdpEndpoint::ForClient();
  ssp::UdpPump<ClientTransport> pump(&client, &endpoint);

  // mosh-server starts at 80x24 (no tty); a different size makes it send a
  // ResizeMessage, which the host state records.
  client.current_state().PushResize(100, 30);
  ASSERT_TRUE(RunUntil(
      &pump, clock, [&] { return client.has_remote_state(); }, kStepTimeout))
      << "no state from mosh-server";

  client.current_state().PushBytes("echo roam-$((6*7))\r");
  ASSERT_TRUE(RunUntil(
      &pump, clock,
      [&] { return client.latest_remote_state().bytes().find("roam-42") != std::string::npos; },
      kStepTimeout))
      << "host bytes so far: " << client.latest_remote_state().bytes();
  // The server screen follows the resize we sent.
  ASSERT_TRUE(client.latest_remote_state().size().has_value());
  EXPECT_EQ(client.latest_remote_state().size()->width, 100);
  EXPECT_EQ(client.latest_remote_state().size()->height, 30);

  client.StartShutdown(clock.Now());
  ASSERT_TRUE(RunUntil(
      &pump, clock,
      [&] { return client.shutdown_acknowledged() || client.shutdown_ack_timed_out(clock.Now()); },
      kStepTimeout));
  EXPECT_TRUE(client.shutdown_acknowledged()) << "mosh-server did not acknowledge the shutdown";
  EXPECT_TRUE(testing::PollUntil([&] { return ProcessGone(server_pid); }, kStepTimeout))
      << "mosh-server still running after a clean shutdown";
  EXPECT_EQ(client.stats().connection.dropped_auth, 0u);
}

TEST_F(MoshInteropTest, MoshClientAgainstRoamServerTransport) {
  ASSERT_TRUE(testing::HaveProgram("tmux"));
  SystemClock clock;
  SeededRandom random(2);
  crypto::Key key = crypto::Key::Generate();
  const std::string key_text = key.ToBase64();
  Result<net::UdpEndpoint> endpoint = net::UdpEndpoint::BindServer("127.0.0.1", {0, 0});
  ASSERT_TRUE(endpoint.ok()) << endpoint.status().ToString();
  Result<net::Address> local = endpoint->LocalAddress();
  ASSERT_TRUE(local.ok());
  ServerTransport server(net::Connection::Server(std::move(key)), state::HostBytesState(),
                         state::UserStream(), &random, clock.Now());
  ssp::UdpPump<ServerTransport> pump(&server, &*endpoint);

  testing::TmuxSession pane(
      "mosh-client 127.0.0.1 " + std::to_string(local->port()) + "; echo CLIENT_EXIT=$?; sleep 120",
      80, 24, {"MOSH_KEY=" + key_text, "LANG=C.UTF-8", "LC_ALL=C.UTF-8", "TERM=xterm-256color"});
  ASSERT_TRUE(pane.started());

  // The client's first state is a resize to its window.
  ASSERT_TRUE(RunUntil(
      &pump, clock,
      [&] {
        auto r = LastResize(server.latest_remote_state());
        return r && r->width == 80 && r->height == 24;
      },
      kStepTimeout))
      << pane.CaptureText();

  // Host bytes (with a resize to the client's size first) appear in the pane.
  server.current_state().SetSize({80, 24});
  server.current_state().AppendBytes("\x1b[H\x1b[2Jroam says hello\r\n");
  bool shown = false;
  const TimePoint deadline = clock.Now() + kStepTimeout;
  while (!shown && clock.Now() < deadline) {
    RunRound(&pump, clock, 50);
    shown = pane.CaptureText().find("roam says hello") != std::string::npos;
  }
  EXPECT_TRUE(shown) << pane.CaptureText();

  // Keys typed into the pane reach roam, decoded.
  pane.Type("typed-in-tmux");
  EXPECT_TRUE(RunUntil(
      &pump, clock,
      [&] {
        return AllKeys(server.latest_remote_state()).find("typed-in-tmux") != std::string::npos;
      },
      kStepTimeout))
      << "keys so far: " << AllKeys(server.latest_remote_state());

  // A resize of the pane arrives as a new Resize.
  pane.Resize(90, 20);
  EXPECT_TRUE(RunUntil(
      &pump, clock,
      [&] {
        auto r = LastResize(server.latest_remote_state());
        return r && r->width == 90 && r->height == 20;
      },
      kStepTimeout));

  // roam ends the session; the stock client takes it as a clean shutdown.
  server.StartShutdown(clock.Now());
  EXPECT_TRUE(RunUntil(
      &pump, clock,
      [&] { return server.shutdown_acknowledged() || server.shutdown_ack_timed_out(clock.Now()); },
      kStepTimeout));
  EXPECT_TRUE(server.shutdown_acknowledged());
  EXPECT_TRUE(pane.WaitForText("CLIENT_EXIT=0", kStepTimeout)) << pane.CaptureText();
}

}  // namespace
}  // namespace roam
