// PacketLink: setting up the two namespaces, moving the client, ending what
// runs inside.

#include "netsim/packet_link.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <thread>
#include <utility>

#include "netsim/json_object.h"

namespace roam::netsim {
namespace {

constexpr int kLoopbackIfindex = 1;  // the first device of every namespace
constexpr int kSubnetPrefix = 24;
// How often EndProcessesInside looks again while it waits.
constexpr auto kEndPoll = std::chrono::milliseconds(10);

in_addr ParseIp(const char* text) {
  in_addr a{};
  inet_pton(AF_INET, text, &a);
  return a;
}

std::string Dotted(in_addr a) {
  char text[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &a, text, sizeof text);
  return text;
}

// Turns IPv6 off for the calling thread's namespace (its devices made from
// now on inherit "default"). A kernel without IPv6 has nothing to turn off.
void DisableIpv6() {
  for (const char* path : {"/proc/sys/net/ipv6/conf/all/disable_ipv6",
                           "/proc/sys/net/ipv6/conf/default/disable_ipv6"}) {
    std::ofstream out(path);
    if (out) out << "1\n";
  }
}

// Opens a TUN device named kDeviceName in the calling thread's namespace
// (a TUN device belongs to the namespace its descriptor was opened in).
Result<UniqueFd> OpenTun() {
  UniqueFd fd(open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC));
  if (!fd.valid()) return IoError(std::string("open /dev/net/tun: ") + std::strerror(errno));
  ifreq req{};
  req.ifr_flags = IFF_TUN | IFF_NO_PI;
  std::strncpy(req.ifr_name, PacketLink::kDeviceName, IFNAMSIZ - 1);
  if (ioctl(fd.get(), TUNSETIFF, &req) != 0) {
    return IoError(std::string("TUNSETIFF: ") + std::strerror(errno));
  }
  return fd;
}

struct Side {
  UniqueFd tun;
  RouteNetlink netlink;
  int ifindex = 0;
};

// Inside `ns`: loopback up, the TUN device up with `local`/32, and a route
// to `peer_network`/24 through it with `local` as source.
Result<Side> SetUpSide(const NetworkNamespace& ns, in_addr local, in_addr peer_network) {
  Result<NamespaceGuard> inside = ns.Enter();
  if (!inside.ok()) return inside.status();
  DisableIpv6();
  Side side;
  Result<RouteNetlink> netlink = RouteNetlink::Open();
  if (!netlink.ok()) return netlink.status();
  side.netlink = std::move(netlink).value();
  ROAM_RETURN_IF_ERROR(side.netlink.SetLinkUp(kLoopbackIfindex));
  Result<UniqueFd> tun = OpenTun();
  if (!tun.ok()) return tun.status();
  side.tun = std::move(tun).value();
  side.ifindex = static_cast<int>(if_nametoindex(PacketLink::kDeviceName));
  if (side.ifindex == 0) return IoError("the TUN device has no index");
  ROAM_RETURN_IF_ERROR(
      side.netlink.SetLinkUp(side.ifindex, PacketLink::kMtu, PacketLink::kTxQueueLength));
  ROAM_RETURN_IF_ERROR(side.netlink.AddAddress(side.ifindex, local));
  ROAM_RETURN_IF_ERROR(side.netlink.ReplaceRoute(peer_network, kSubnetPrefix, side.ifindex, local));
  return side;
}

}  // namespace

Result<std::unique_ptr<PacketLink>> PacketLink::Create(PacketLinkConfig config,
                                                       const Clock& clock) {
  std::unique_ptr<PacketLink> link(new PacketLink());
  Result<NetworkNamespace> client = NetworkNamespace::Create();
  if (!client.ok()) return client.status();
  Result<NetworkNamespace> server = NetworkNamespace::Create();
  if (!server.ok()) return server.status();
  link->client_ns_ = std::move(client).value();
  link->server_ns_ = std::move(server).value();
  link->client_address_ = ParseIp(kFirstClientAddress);
  Result<Side> c = SetUpSide(link->client_ns_, link->client_address_, ParseIp(kServerNetwork));
  if (!c.ok()) return IoError("client namespace: " + c.status().message());
  Result<Side> s = SetUpSide(link->server_ns_, ParseIp(kServerAddress), ParseIp(kClientNetwork));
  if (!s.ok()) return IoError("server namespace: " + s.status().message());
  link->client_netlink_ = std::move(c->netlink);
  link->client_ifindex_ = c->ifindex;
  link->forwarder_ = std::make_unique<PacketForwarder>(std::move(c->tun), std::move(s->tun),
                                                       config.profile, config.seed, clock);
  return link;
}

PacketLink::~PacketLink() { EndProcessesInside(); }

std::string PacketLink::client_address() const { return Dotted(client_address_); }

std::string PacketLink::Banner() const {
  return "NETSIM LINK client " + client_address() + " server " + server_address() +
         " client-netns " + client_ns_.PathForOthers() + " server-netns " +
         server_ns_.PathForOthers();
}

Status PacketLink::MoveClient(std::string_view ip) {
  const uint32_t network = ntohl(ParseIp(kClientNetwork).s_addr);
  const uint32_t current = ntohl(client_address_.s_addr);
  uint32_t next = 0;
  if (ip.empty()) {
    const uint32_t host = current & 0xff;
    next = network | (host >= 254 ? 1 : host + 1);
  } else {
    in_addr a{};
    if (inet_pton(AF_INET, std::string(ip).c_str(), &a) != 1) {
      return InvalidArgument("move: '" + std::string(ip) + "' is not an IPv4 address");
    }
    next = ntohl(a.s_addr);
    const uint32_t host = next & 0xff;
    if ((next & 0xffffff00u) != network || host == 0 || host == 255) {
      return InvalidArgument("move: the client's address must be in " +
                             std::string(kClientNetwork) + "/24 (host 1..254)");
    }
    if (next == current) return InvalidArgument("move: the client already has " + std::string(ip));
  }
  in_addr moved{};
  moved.s_addr = htonl(next);
  // New address first, then the route's source, then the old address goes:
  // the device never has no address, so the route to the server stays.
  ROAM_RETURN_IF_ERROR(client_netlink_.AddAddress(client_ifindex_, moved));
  const in_addr server_network = ParseIp(kServerNetwork);
  if (Status st =
          client_netlink_.ReplaceRoute(server_network, kSubnetPrefix, client_ifindex_, moved);
      !st.ok()) {
    (void)client_netlink_.DeleteAddress(client_ifindex_, moved);
    return st;
  }
  ROAM_RETURN_IF_ERROR(client_netlink_.DeleteAddress(client_ifindex_, client_address_));
  client_address_ = moved;
  ++client_moves_;
  return Status::Ok();
}

Status PacketLink::Apply(const ControlCommand& command) {
  switch (command.kind) {
    case ControlCommand::Kind::kRebind:
      // The NAT in front of the client picks new ports; the client's own
      // address stays ('move' changes that).
      if (!command.arg.empty()) {
        return InvalidArgument(
            "rebind: the packet-level link rebinds ports only ('move IP' for a new address)");
      }
      forwarder_->RebindNat();
      return Status::Ok();
    case ControlCommand::Kind::kOutage:
      forwarder_->StartOutage(command.duration);
      return Status::Ok();
    case ControlCommand::Kind::kProfile: {
      Result<Profile> p = ProfileByName(command.arg);
      if (!p.ok()) return p.status();
      forwarder_->SetProfile(*p);
      return Status::Ok();
    }
    case ControlCommand::Kind::kMove:
      return MoveClient(command.arg);
    case ControlCommand::Kind::kBlock:
      forwarder_->SetBlockUdp(command.arg == "udp");
      return Status::Ok();
  }
  return Status::Ok();
}

std::vector<pid_t> PacketLink::ProcessesInside() const {
  std::vector<pid_t> pids;
  for (const NetworkNamespace* ns : {&client_ns_, &server_ns_}) {
    if (!ns->valid()) continue;
    for (pid_t pid : ProcessesInNamespace(ns->device(), ns->inode())) {
      if (std::find(pids.begin(), pids.end(), pid) == pids.end()) pids.push_back(pid);
    }
  }
  return pids;
}

int PacketLink::EndProcessesInside() {
  std::vector<pid_t> inside = ProcessesInside();
  if (inside.empty()) return 0;
  const int signalled = static_cast<int>(inside.size());
  ended_processes_ += inside.size();
  for (int sig : {SIGTERM, SIGKILL}) {
    for (pid_t pid : inside) kill(pid, sig);
    const auto deadline = std::chrono::steady_clock::now() + kEndGrace;
    // Bounded by kEndGrace.
    while (!inside.empty() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(kEndPoll);
      inside = ProcessesInside();
    }
    if (inside.empty()) break;
  }
  return signalled;
}

std::string PacketLink::StatsJson() const {
  JsonObject json;
  json.AddString("mode", "link")
      .AddString("client_address", client_address())
      .AddString("server_address", server_address())
      .Add("client_moves", client_moves_)
      .Add("ended_processes", ended_processes_);
  forwarder_->AddStats(&json);
  return json.ToString();
}

}  // namespace roam::netsim
