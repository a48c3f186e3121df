// Fuzz target: opening datagrams and driving net::Connection with them.
//
// Everything runs under one fixed key (the throwaway key of docs/protocol.md §15), so the
// two captured datagrams in the seed corpus are authentic. The input is a
// sequence of records, each:
//
//   u8   control  bit 0: 0 = deliver to the server, 1 = to the client
//                 bits 1-2: source address (two IPv4, one other port, one IPv6)
//                 bit 3: ECN Congestion Experienced
//                 bit 4: afterwards the receiver seals a reply (Seal)
//                 bit 5: afterwards TakeSocketsToClose
//                 bit 6: afterwards OnMessageTooBig
//                 bit 7: "forge": the body is nonce(8) || plaintext, sealed
//                        here under the key, so authentic datagrams with any
//                        nonce, direction and timestamps reach the core
//   u16  advance  milliseconds added to the fake clock (big-endian)
//   u16  length   body length (big-endian; cut to what is left)
//   ...  body     the datagram bytes (or, with bit 7, what to seal)
//
// Each body is also opened and parsed on its own (OcbSession::Open +
// Datagram::Decode). The target checks the receive-order invariant: a
// datagram that does not authenticate is never handed up and never moves
// the server's remote address.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/byte_reader.h"
#include "base/clock.h"
#include "crypto/key.h"
#include "crypto/ocb_session.h"
#include "net/address.h"
#include "net/connection.h"
#include "net/datagram.h"

namespace {

using roam::net::Address;
using roam::net::Connection;

constexpr size_t kMaxRecords = 256;
const std::string kPayload = "fragment header and body";  // >= 10 bytes

const roam::crypto::Key& FixedKey() {
  static const roam::crypto::Key key = *roam::crypto::Key::FromBase64("SY36IMieR0NIt2yGTGVHrQ");
  return key;
}

const Address& SourceAddress(int index) {
  static const Address kAddrs[4] = {
      *Address::Parse("127.0.0.1", 40000),
      *Address::Parse("127.0.0.2", 40000),
      *Address::Parse("127.0.0.1", 40001),
      *Address::Parse("::1", 40000),
  };
  return kAddrs[index & 3];
}

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  roam::ByteReader in(std::string_view(reinterpret_cast<const char*>(data), size));
  const Address server_addr = *Address::Parse("127.0.0.1", 60001);
  Connection server = Connection::Server(FixedKey());
  Connection client =
      Connection::Client(FixedKey(), server_addr, roam::crypto::OcbSession::kDefaultBlockLimit,
                         /*first_seq=*/0);
  roam::crypto::OcbSession opener(FixedKey());
  roam::crypto::OcbSession forger(FixedKey());
  roam::FakeClock clock;

  for (size_t n = 0; n < kMaxRecords && !in.empty(); ++n) {
    uint8_t control = 0;
    uint16_t advance = 0;
    uint16_t length = 0;
    if (!in.ReadU8(&control) || !in.ReadU16(&advance) || !in.ReadU16(&length)) break;
    std::string_view body;
    if (!in.ReadBytes(std::min<size_t>(length, in.remaining()), &body)) break;
    clock.Advance(roam::Millis(advance));

    std::string datagram(body);
    if (control & 0x80) {
      roam::ByteReader fr(body);
      uint64_t nonce = 0;
      if (!fr.ReadU64(&nonce)) continue;
      auto sealed = forger.Seal(nonce, fr.ReadRest());
      if (!sealed.ok()) continue;
      datagram = std::move(sealed).value();
    }

    // Decrypt and parse on their own.
    auto opened = opener.Open(datagram);
    if (opened.ok()) (void)roam::net::Datagram::Decode(opened->plaintext);

    Connection& to = (control & 1) ? client : server;
    const Address& from = SourceAddress(control >> 1);
    const bool had_remote = to.has_remote();
    const Address before = had_remote ? to.remote() : Address();
    const uint64_t received_before = to.stats().received;

    auto payload =
        to.Receive(datagram, from, to.current_socket_id(), (control & 0x08) != 0, clock.Now());

    // Authenticate first: a datagram that fails authentication changes nothing.
    if (!opened.ok() && datagram.size() <= roam::net::kMaxDatagramSize) {
      Check(!payload.has_value());
      Check(to.stats().received == received_before);
      Check(to.has_remote() == had_remote);
      if (had_remote) Check(to.remote() == before);
    }
    Check(payload.has_value() == (to.stats().received == received_before + 1));
    // The client never moves its destination.
    Check(client.remote() == server_addr);
    Check(to.mtu() == 500 || to.mtu() == 1252 || to.mtu() == 1216);

    if (control & 0x10) {
      auto out = to.Seal(kPayload, clock.Now());
      if (out.ok()) Check(out->bytes.size() == kPayload.size() + 28);
    }
    if (control & 0x20) (void)to.TakeSocketsToClose(clock.Now());
    if (control & 0x40) to.OnMessageTooBig();
  }
  return 0;
}
