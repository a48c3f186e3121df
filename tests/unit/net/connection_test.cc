// Connection: the receive rules, timestamps, RTT, roaming, association
// timeout, port hopping, MTU and counters of docs/protocol.md §1-§2, on a fake clock.

#include "net/connection.h"

#include <gtest/gtest.h>

#include <string>

#include "crypto/nonce.h"
#include "crypto/ocb_session.h"
#include "net/datagram.h"
#include "net/timestamp.h"

namespace roam::net {
namespace {

using crypto::Direction;
using std::chrono::milliseconds;

const std::string kPayload = "0123456789abcdef";  // >= 10 bytes, like a fragment

class ConnectionTest : public ::testing::Test {
 protected:
  ConnectionTest()
      : key_(crypto::Key::Generate()),
        server_addr_(*Address::Parse("127.0.0.1", 60001)),
        client_addr_(*Address::Parse("127.0.0.1", 40000)),
        other_addr_(*Address::Parse("127.0.0.2", 50000)),
        forger_(key_),
        client_(Connection::Client(key_, server_addr_, crypto::OcbSession::kDefaultBlockLimit,
                                   /*first_seq=*/0)),
        server_(Connection::Server(key_)) {}

  TimePoint now() const { return clock_.Now(); }
  void AdvanceTime(milliseconds d) { clock_.Advance(d); }

  // A datagram sealed under the session key with any nonce and timestamps,
  // as the peer (or a reflector) could produce.
  std::string Forge(Direction dir, uint64_t seq, uint16_t ts = kTimestampNone,
                    uint16_t tsr = kTimestampNone, const std::string& payload = kPayload) {
    Datagram d{ts, tsr, payload};
    return *forger_.Seal(crypto::MakeNonce(dir, seq), d.Encode());
  }
  // Opens a datagram this test's connections produced.
  crypto::OcbSession::Opened OpenSent(const std::string& bytes) {
    Result<crypto::OcbSession::Opened> o = forger_.Open(bytes);
    EXPECT_TRUE(o.ok());
    return o.ok() ? *o : crypto::OcbSession::Opened{};
  }
  Datagram PlainOf(const std::string& bytes) {
    return *Datagram::Decode(OpenSent(bytes).plaintext);
  }

  std::optional<std::string> ServerReceives(const std::string& bytes, const Address& from,
                                            bool ecn_ce = false) {
    return server_.Receive(bytes, from, 0, ecn_ce, now());
  }
  std::optional<std::string> ClientReceives(const std::string& bytes, bool ecn_ce = false) {
    return client_.Receive(bytes, server_addr_, client_.current_socket_id(), ecn_ce, now());
  }
  OutgoingDatagram ClientSends() {
    Result<OutgoingDatagram> out = client_.Seal(kPayload, now());
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    return out.ok() ? *out : OutgoingDatagram{};
  }
  OutgoingDatagram ServerSends() {
    Result<OutgoingDatagram> out = server_.Seal(kPayload, now());
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    return out.ok() ? *out : OutgoingDatagram{};
  }
  // Gives the server a client at client_addr_ (seq 0, no timestamp).
  void Associate() {
    ASSERT_TRUE(ServerReceives(Forge(Direction::kToServer, 0), client_addr_).has_value());
  }

  FakeClock clock_;
  crypto::Key key_;
  Address server_addr_;
  Address client_addr_;
  Address other_addr_;
  crypto::OcbSession forger_;
  Connection client_;
  Connection server_;
};

// --- Sealing -----------------------------------------------------------------

TEST_F(ConnectionTest, ClientNoncesCountUpFromZeroTowardsTheServer) {
  for (uint64_t i = 0; i < 3; ++i) {
    OutgoingDatagram out = ClientSends();
    EXPECT_EQ(out.to, server_addr_);
    EXPECT_EQ(out.socket_id, 0);
    EXPECT_EQ(OpenSent(out.bytes).nonce_word, crypto::MakeNonce(Direction::kToServer, i));
  }
  EXPECT_EQ(client_.stats().sent, 3u);
}

TEST_F(ConnectionTest, ServerNoncesCarryTheDirectionBit) {
  Associate();
  EXPECT_EQ(OpenSent(ServerSends().bytes).nonce_word, 0x8000000000000000u);
  EXPECT_EQ(OpenSent(ServerSends().bytes).nonce_word, 0x8000000000000001u);
}

TEST_F(ConnectionTest, SealedPlaintextIsTimestampsThenPayload) {
  clock_.Set(FromMillis(3 * 65536 + 0x403f));
  OutgoingDatagram out = ClientSends();
  EXPECT_EQ(out.bytes.size(), kPayload.size() + 28);
  Datagram d = PlainOf(out.bytes);
  EXPECT_EQ(d.timestamp, 0x403f);
  EXPECT_EQ(d.timestamp_reply, kTimestampNone);
  EXPECT_EQ(d.payload, kPayload);
}

TEST_F(ConnectionTest, FragmentsShorterThanTenBytesAreABug) {
  // A stock Mosh peer aborts on them, so sealing one is a caller bug.
  EXPECT_DEATH((void)client_.Seal("123456789", now()), "kMinPayloadSize");
}

TEST_F(ConnectionTest, ServerHasNobodyToSendToBeforeContact) {
  EXPECT_FALSE(server_.has_remote());
  Result<OutgoingDatagram> out = server_.Seal(kPayload, now());
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(server_.stats().sent, 0u);
  // No nonce was spent: the first real datagram is still seq 0.
  Associate();
  EXPECT_EQ(OpenSent(ServerSends().bytes).nonce_word, crypto::MakeNonce(Direction::kToClient, 0));
}

TEST_F(ConnectionTest, ClientAlwaysHasItsServer) {
  EXPECT_TRUE(client_.has_remote());
  EXPECT_EQ(client_.remote(), server_addr_);
  EXPECT_EQ(client_.role(), Role::kClient);
  EXPECT_EQ(server_.role(), Role::kServer);
}

// --- The captured Mosh session of docs/protocol.md §15, end to end --------------------------

std::string FromHex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

const std::string kCapturedClientWire = FromHex(
    "0000000000000000c7137e1733ae9c611ff1ba932523720a6690682a43e35a8802f61f8a7bcae577edd985f6ca5f"
    "876b2cc006c848b09094f6a00c08a9b1e2f3112da6f69f41742683075cdea768");
const std::string kCapturedClientFragment = FromHex(
    "00000000000000018000789ce360126090605460d06030e2e0629362d1083090b0e29a7a6b2277dbe96ce3e01e00"
    "405006c1");
const std::string kCapturedServerWire = FromHex(
    "800000000000000002143271806c2ea12afc77c7f92e7135bffb2fad57dd3200969f223c1f782ddb01e67e2a4546"
    "1b0d2e4cea4e0a1e9c408add6a66b4b7efd0f6b335");
const std::string kCapturedServerFragment =
    FromHex("00000000000000018000789ce360126090605460d4603062b0623f3337b5f5bf4b0e001d5b04f2");

TEST(CapturedSessionTest, ClientSealsTheCapturedFirstDatagram) {
  crypto::Key key = *crypto::Key::FromBase64("SY36IMieR0NIt2yGTGVHrQ");
  Connection client = Connection::Client(key, *Address::Parse("127.0.0.1", 60001),
                                         crypto::OcbSession::kDefaultBlockLimit, /*first_seq=*/0);
  // The client's clock read 0x403f ms (mod 65536) when it sent.
  Result<OutgoingDatagram> out =
      client.Seal(kCapturedClientFragment, FromMillis(7 * 65536 + 0x403f));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->bytes, kCapturedClientWire);
}

TEST(CapturedSessionTest, ServerOpensItAndSealsTheCapturedReply) {
  crypto::Key key = *crypto::Key::FromBase64("SY36IMieR0NIt2yGTGVHrQ");
  Connection server = Connection::Server(key);
  const Address client_addr = *Address::Parse("127.0.0.1", 37287);
  // The server's clock read 0x4041 both on receipt and on its reply (the
  // echo 0x403f is the client's timestamp held 0 ms).
  const TimePoint t = FromMillis(3 * 65536 + 0x4041);
  std::optional<std::string> fragment =
      server.Receive(kCapturedClientWire, client_addr, 0, false, t);
  ASSERT_TRUE(fragment.has_value());
  EXPECT_EQ(*fragment, kCapturedClientFragment);
  EXPECT_EQ(server.remote(), client_addr);
  Result<OutgoingDatagram> reply = server.Seal(kCapturedServerFragment, t);
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply->bytes, kCapturedServerWire);
  EXPECT_EQ(reply->to, client_addr);
}

TEST(CapturedSessionTest, ClientOpensTheCapturedReplyAndMeasuresRtt) {
  crypto::Key key = *crypto::Key::FromBase64("SY36IMieR0NIt2yGTGVHrQ");
  Connection client = Connection::Client(key, *Address::Parse("127.0.0.1", 60001));
  const Address server_addr = *Address::Parse("127.0.0.1", 60001);
  // Received 3 ms after the client stamped 0x403f: one RTT sample of 3 ms.
  std::optional<std::string> fragment = client.Receive(kCapturedServerWire, server_addr, 0, false,
                                                       FromMillis(7 * 65536 + 0x403f + 3));
  ASSERT_TRUE(fragment.has_value());
  EXPECT_EQ(*fragment, kCapturedServerFragment);
  EXPECT_EQ(client.rtt().srtt_ms(), 3);
}

// --- Timestamp echo ------------------------------------------------------------

TEST_F(ConnectionTest, EchoesThePeerTimestampOnceWithTheHoldTimeAdded) {
  ServerReceives(Forge(Direction::kToServer, 0, /*ts=*/1000), client_addr_);
  AdvanceTime(milliseconds(30));
  EXPECT_EQ(PlainOf(ServerSends().bytes).timestamp_reply, 1030);
  EXPECT_EQ(PlainOf(ServerSends().bytes).timestamp_reply, kTimestampNone);  // only once
}

TEST_F(ConnectionTest, EchoesOnlyWithinOneSecond) {
  ServerReceives(Forge(Direction::kToServer, 0, /*ts=*/1000), client_addr_);
  AdvanceTime(milliseconds(999));
  EXPECT_EQ(PlainOf(ServerSends().bytes).timestamp_reply, 1999);
  ServerReceives(Forge(Direction::kToServer, 1, /*ts=*/2000), client_addr_);
  AdvanceTime(milliseconds(1000));
  EXPECT_EQ(PlainOf(ServerSends().bytes).timestamp_reply, kTimestampNone);
  // And it is not held for later either.
  EXPECT_EQ(PlainOf(ServerSends().bytes).timestamp_reply, kTimestampNone);
}

TEST_F(ConnectionTest, EchoArithmeticWrapsModulo65536) {
  ServerReceives(Forge(Direction::kToServer, 0, /*ts=*/65530), client_addr_);
  AdvanceTime(milliseconds(10));
  EXPECT_EQ(PlainOf(ServerSends().bytes).timestamp_reply, 4);
}

TEST_F(ConnectionTest, NoTimestampMeansNothingToEcho) {
  ServerReceives(Forge(Direction::kToServer, 0, kTimestampNone), client_addr_);
  EXPECT_EQ(PlainOf(ServerSends().bytes).timestamp_reply, kTimestampNone);
}

TEST_F(ConnectionTest, NoTimestampKeepsTheEarlierOne) {
  ServerReceives(Forge(Direction::kToServer, 0, /*ts=*/700), client_addr_);
  AdvanceTime(milliseconds(5));
  ServerReceives(Forge(Direction::kToServer, 1, kTimestampNone), client_addr_);
  AdvanceTime(milliseconds(5));
  EXPECT_EQ(PlainOf(ServerSends().bytes).timestamp_reply, 710);
}

TEST_F(ConnectionTest, NewerTimestampReplacesTheHeldOne) {
  ServerReceives(Forge(Direction::kToServer, 0, /*ts=*/700), client_addr_);
  AdvanceTime(milliseconds(5));
  ServerReceives(Forge(Direction::kToServer, 1, /*ts=*/900), client_addr_);
  AdvanceTime(milliseconds(2));
  EXPECT_EQ(PlainOf(ServerSends().bytes).timestamp_reply, 902);
}

TEST_F(ConnectionTest, CongestionExperiencedSubtracts500FromTheEcho) {
  ServerReceives(Forge(Direction::kToServer, 0, /*ts=*/1000), client_addr_, /*ecn_ce=*/true);
  AdvanceTime(milliseconds(20));
  EXPECT_EQ(PlainOf(ServerSends().bytes).timestamp_reply, 520);
  // The penalty wraps modulo 65536 too.
  ServerReceives(Forge(Direction::kToServer, 1, /*ts=*/100), client_addr_, /*ecn_ce=*/true);
  EXPECT_EQ(PlainOf(ServerSends().bytes).timestamp_reply, 65136);
}

TEST_F(ConnectionTest, ClientEchoesTheServerToo) {
  ClientReceives(Forge(Direction::kToClient, 0, /*ts=*/12345));
  AdvanceTime(milliseconds(7));
  EXPECT_EQ(PlainOf(ClientSends().bytes).timestamp_reply, 12352);
}

// --- RTT -------------------------------------------------------------------------

TEST_F(ConnectionTest, RoundTripThroughBothSidesGivesAnRttSample) {
  OutgoingDatagram c2s = ClientSends();
  AdvanceTime(milliseconds(40));
  ASSERT_TRUE(server_.Receive(c2s.bytes, client_addr_, 0, false, now()).has_value());
  AdvanceTime(milliseconds(5));
  OutgoingDatagram s2c = ServerSends();
  AdvanceTime(milliseconds(40));
  ASSERT_TRUE(client_.Receive(s2c.bytes, server_addr_, 0, false, now()).has_value());
  // 85 ms since the client stamped it, minus the 5 ms the server held it.
  EXPECT_TRUE(client_.rtt().has_sample());
  EXPECT_EQ(client_.rtt().srtt_ms(), 80);
  EXPECT_EQ(client_.rtt().rttvar_ms(), 40);
}

TEST_F(ConnectionTest, RttSampleUsesWrappedTimestamps) {
  clock_.Set(FromMillis(10 * 65536 + 20));  // our timestamp is 20
  ClientReceives(Forge(Direction::kToClient, 0, kTimestampNone, /*tsr=*/65500));
  EXPECT_EQ(client_.rtt().srtt_ms(), 56);
}

TEST_F(ConnectionTest, NoReplyTimestampMeansNoSample) {
  ClientReceives(Forge(Direction::kToClient, 0, /*ts=*/5, kTimestampNone));
  EXPECT_FALSE(client_.rtt().has_sample());
}

TEST_F(ConnectionTest, HugeSamplesAreIgnored) {
  const uint16_t ours = Timestamp16(now());
  ClientReceives(
      Forge(Direction::kToClient, 0, kTimestampNone, static_cast<uint16_t>(ours - 12000)));
  EXPECT_FALSE(client_.rtt().has_sample());
}

// --- Receive order: authenticate, direction, sequence, then roam ------------------

TEST_F(ConnectionTest, TamperedDatagramFromNewAddressDoesNotRoam) {
  Associate();
  std::string bad = Forge(Direction::kToServer, 5, /*ts=*/100);
  bad[10] = static_cast<char>(bad[10] ^ 0x40);
  EXPECT_FALSE(ServerReceives(bad, other_addr_).has_value());
  EXPECT_EQ(server_.remote(), client_addr_);
  EXPECT_EQ(server_.stats().dropped_auth, 1u);
  EXPECT_EQ(server_.stats().roamed, 0u);
  // Nor does it advance the sequence: seq 1 is still in order and roams.
  EXPECT_TRUE(ServerReceives(Forge(Direction::kToServer, 1), other_addr_).has_value());
  EXPECT_EQ(server_.remote(), other_addr_);
}

TEST_F(ConnectionTest, TamperedFirstDatagramDoesNotAssociate) {
  std::string bad = Forge(Direction::kToServer, 0);
  bad.back() = static_cast<char>(bad.back() ^ 1);
  EXPECT_FALSE(ServerReceives(bad, client_addr_).has_value());
  EXPECT_FALSE(server_.has_remote());
  EXPECT_EQ(server_.last_datagram_at(), TimePoint{});
}

TEST_F(ConnectionTest, WrongDirectionIsDroppedAndDoesNotRoam) {
  Associate();
  // Authentic, newer, but in the server's own direction: a reflection.
  EXPECT_FALSE(ServerReceives(Forge(Direction::kToClient, 9, /*ts=*/100), other_addr_).has_value());
  EXPECT_EQ(server_.stats().dropped_direction, 1u);
  EXPECT_EQ(server_.remote(), client_addr_);
  EXPECT_EQ(PlainOf(ServerSends().bytes).timestamp_reply, kTimestampNone);
}

TEST_F(ConnectionTest, ClientDropsItsOwnReflectedDatagram) {
  OutgoingDatagram out = ClientSends();
  EXPECT_FALSE(ClientReceives(out.bytes).has_value());
  EXPECT_EQ(client_.stats().dropped_direction, 1u);
  EXPECT_EQ(client_.stats().received, 0u);
}

TEST_F(ConnectionTest, OldSequenceIsHandedUpButChangesNothing) {
  ServerReceives(Forge(Direction::kToServer, 5, /*ts=*/100), client_addr_);
  const TimePoint heard = server_.last_datagram_at();
  AdvanceTime(milliseconds(50));
  std::optional<std::string> got = ServerReceives(
      Forge(Direction::kToServer, 3, /*ts=*/900, /*tsr=*/Timestamp16(now()) - 10, "old payload!"),
      other_addr_);
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(*got, "old payload!");
  EXPECT_EQ(server_.stats().out_of_order, 1u);
  EXPECT_EQ(server_.stats().received, 2u);
  EXPECT_EQ(server_.remote(), client_addr_);     // no roaming
  EXPECT_FALSE(server_.rtt().has_sample());      // no RTT
  EXPECT_EQ(server_.last_datagram_at(), heard);  // no liveness
  // The held echo is still the in-order one (ts 100, held 50 ms).
  EXPECT_EQ(PlainOf(ServerSends().bytes).timestamp_reply, 150);
}

TEST_F(ConnectionTest, ReplayOfTheLastSequenceIsOld) {
  const std::string d = Forge(Direction::kToServer, 0);
  ServerReceives(d, client_addr_);
  EXPECT_TRUE(ServerReceives(d, other_addr_).has_value());
  EXPECT_EQ(server_.stats().out_of_order, 1u);
  EXPECT_EQ(server_.remote(), client_addr_);
}

TEST_F(ConnectionTest, NewerDatagramFromNewAddressRoamsTheServer) {
  Associate();
  AdvanceTime(milliseconds(100));
  ASSERT_TRUE(ServerReceives(Forge(Direction::kToServer, 1), other_addr_).has_value());
  EXPECT_EQ(server_.remote(), other_addr_);
  EXPECT_EQ(server_.stats().roamed, 1u);
  EXPECT_EQ(server_.last_datagram_at(), now());
  EXPECT_EQ(ServerSends().to, other_addr_);
  // A gap in the sequence is fine: it is still newer.
  ASSERT_TRUE(ServerReceives(Forge(Direction::kToServer, 50), client_addr_).has_value());
  EXPECT_EQ(server_.remote(), client_addr_);
  EXPECT_EQ(server_.stats().roamed, 2u);
}

TEST_F(ConnectionTest, ClientNeverChangesItsDestination) {
  ASSERT_TRUE(client_.Receive(Forge(Direction::kToClient, 0), other_addr_, 0, false, now()));
  EXPECT_EQ(client_.remote(), server_addr_);
  EXPECT_EQ(ClientSends().to, server_addr_);
  EXPECT_EQ(client_.stats().roamed, 0u);
}

// --- Server association timeout ----------------------------------------------------

TEST_F(ConnectionTest, ServerForgetsASilentClientAfter40Seconds) {
  Associate();
  AdvanceTime(milliseconds(40000));
  ServerSends();  // exactly 40 s: still attached
  EXPECT_TRUE(server_.has_remote());
  AdvanceTime(milliseconds(1));
  OutgoingDatagram last = ServerSends();  // this one still goes out ...
  EXPECT_EQ(last.to, client_addr_);
  EXPECT_FALSE(server_.has_remote());  // ... then the client is forgotten
  Result<OutgoingDatagram> none = server_.Seal(kPayload, now());
  EXPECT_EQ(none.status().code(), StatusCode::kUnavailable);
  // An old datagram does not bring it back ...
  ASSERT_TRUE(ServerReceives(Forge(Direction::kToServer, 0), client_addr_).has_value());
  EXPECT_FALSE(server_.has_remote());
  // ... a newer authentic one does, and coming back on the same address is not a roam.
  ASSERT_TRUE(ServerReceives(Forge(Direction::kToServer, 1), client_addr_).has_value());
  EXPECT_TRUE(server_.has_remote());
  EXPECT_EQ(server_.stats().roamed, 0u);
  EXPECT_EQ(ServerSends().to, client_addr_);
}

TEST_F(ConnectionTest, ComingBackFromAnotherAddressAfterTimeoutIsARoam) {
  Associate();
  AdvanceTime(milliseconds(40001));
  ServerSends();
  ASSERT_FALSE(server_.has_remote());
  ServerReceives(Forge(Direction::kToServer, 1), other_addr_);
  EXPECT_EQ(server_.remote(), other_addr_);
  EXPECT_EQ(server_.stats().roamed, 1u);
}

TEST_F(ConnectionTest, ClientHasNoAssociationTimeout) {
  AdvanceTime(milliseconds(100000));
  ClientSends();
  EXPECT_TRUE(client_.has_remote());
}

// --- Client port hopping ------------------------------------------------------------

TEST_F(ConnectionTest, ClientHopsAfterTenSecondsWithoutRoundTrip) {
  client_.set_last_roundtrip_success(now());
  EXPECT_EQ(ClientSends().socket_id, 0);  // first use of socket 0
  AdvanceTime(milliseconds(10000));
  EXPECT_EQ(ClientSends().socket_id, 0);
  EXPECT_EQ(client_.current_socket_id(), 0);  // not yet: needs > 10 s
  AdvanceTime(milliseconds(1));
  OutgoingDatagram out = ClientSends();
  EXPECT_EQ(out.socket_id, 0);                // this send still used the old port
  EXPECT_EQ(client_.current_socket_id(), 1);  // the next ones use the new one
  EXPECT_EQ(client_.stats().port_hops, 1u);
  OutgoingDatagram next = ClientSends();
  EXPECT_EQ(next.socket_id, 1);
  EXPECT_EQ(next.to, server_addr_);
  // The nonce counter is per connection, not per socket: no reset.
  EXPECT_EQ(OpenSent(next.bytes).nonce_word, crypto::MakeNonce(Direction::kToServer, 3));
}

TEST_F(ConnectionTest, RecentRoundTripPreventsHopping) {
  ClientSends();
  for (int i = 0; i < 5; ++i) {
    AdvanceTime(milliseconds(9000));
    client_.set_last_roundtrip_success(now() - milliseconds(500));
    ClientSends();
  }
  EXPECT_EQ(client_.current_socket_id(), 0);
  // Once round trips stop, it hops (the port itself is 45 s old by now).
  AdvanceTime(milliseconds(9400));
  ClientSends();
  EXPECT_EQ(client_.current_socket_id(), 0);  // last round trip 9.9 s ago
  AdvanceTime(milliseconds(200));
  ClientSends();
  EXPECT_EQ(client_.current_socket_id(), 1);  // 10.1 s ago
}

TEST_F(ConnectionTest, HopsAtMostOncePerTenSeconds) {
  ClientSends();
  AdvanceTime(milliseconds(10001));
  ClientSends();
  EXPECT_EQ(client_.current_socket_id(), 1);
  AdvanceTime(milliseconds(5000));
  ClientSends();
  EXPECT_EQ(client_.current_socket_id(), 1);
  AdvanceTime(milliseconds(5001));
  ClientSends();
  EXPECT_EQ(client_.current_socket_id(), 2);
}

TEST_F(ConnectionTest, OldSocketsCloseOnceTheNewestIsSixtySecondsOld) {
  ClientSends();
  AdvanceTime(milliseconds(10001));
  ClientSends();  // hop to socket 1
  ASSERT_EQ(client_.current_socket_id(), 1);
  client_.set_last_roundtrip_success(now());
  EXPECT_TRUE(client_.TakeSocketsToClose(now()).empty());
  AdvanceTime(milliseconds(60000));
  EXPECT_TRUE(client_.TakeSocketsToClose(now()).empty());
  AdvanceTime(milliseconds(1));
  EXPECT_EQ(client_.TakeSocketsToClose(now()), std::vector<int>{0});
  EXPECT_TRUE(client_.TakeSocketsToClose(now()).empty());  // handed out once
  EXPECT_EQ(client_.current_socket_id(), 1);
}

TEST_F(ConnectionTest, AllOlderSocketsCloseTogether) {
  ClientSends();
  for (int i = 0; i < 3; ++i) {
    AdvanceTime(milliseconds(10001));
    ClientSends();
  }
  ASSERT_EQ(client_.current_socket_id(), 3);
  client_.set_last_roundtrip_success(now());
  AdvanceTime(milliseconds(60001));
  EXPECT_EQ(client_.TakeSocketsToClose(now()), (std::vector<int>{0, 1, 2}));
}

TEST_F(ConnectionTest, NeverMoreThanTenSocketsOpen) {
  ClientSends();
  for (int i = 0; i < 9; ++i) {
    AdvanceTime(milliseconds(10001));
    ClientSends();
  }
  ASSERT_EQ(client_.current_socket_id(), 9);  // ten open: 0..9
  EXPECT_TRUE(client_.TakeSocketsToClose(now()).empty());
  AdvanceTime(milliseconds(10001));
  ClientSends();  // eleventh: the oldest must go
  ASSERT_EQ(client_.current_socket_id(), 10);
  EXPECT_EQ(client_.TakeSocketsToClose(now()), std::vector<int>{0});
  AdvanceTime(milliseconds(10001));
  ClientSends();
  EXPECT_EQ(client_.TakeSocketsToClose(now()), std::vector<int>{1});
  EXPECT_EQ(client_.stats().port_hops, 11u);
}

TEST_F(ConnectionTest, ServerNeverHopsOrCloses) {
  Associate();
  for (int i = 0; i < 5; ++i) {
    AdvanceTime(milliseconds(10001));
    ServerReceives(Forge(Direction::kToServer, 1 + i), client_addr_);
    EXPECT_EQ(ServerSends().socket_id, 0);
  }
  EXPECT_EQ(server_.current_socket_id(), 0);
  EXPECT_TRUE(server_.TakeSocketsToClose(now() + milliseconds(100000)).empty());
  EXPECT_EQ(server_.stats().port_hops, 0u);
}

// --- MTU ---------------------------------------------------------------------------

TEST_F(ConnectionTest, MtuFollowsTheAddressFamily) {
  EXPECT_EQ(client_.mtu(), 1252u);
  Connection v6 = Connection::Client(key_, *Address::Parse("::1", 60001));
  EXPECT_EQ(v6.mtu(), 1216u);
  EXPECT_EQ(server_.mtu(), 500u);  // no family known yet
  Associate();
  EXPECT_EQ(server_.mtu(), 1252u);
  Connection s6 = Connection::Server(key_);
  ASSERT_TRUE(
      s6.Receive(Forge(Direction::kToServer, 0), *Address::Parse("::1", 4000), 0, false, now()));
  EXPECT_EQ(s6.mtu(), 1216u);
}

TEST_F(ConnectionTest, MessageTooBigDropsTheMtuTo500ForGood) {
  client_.OnMessageTooBig();
  EXPECT_EQ(client_.mtu(), 500u);
  Associate();
  server_.OnMessageTooBig();
  ServerReceives(Forge(Direction::kToServer, 1), other_addr_);
  EXPECT_EQ(server_.mtu(), 500u);
}

TEST_F(ConnectionTest, ServerMtuSurvivesTheAssociationTimeout) {
  Associate();
  AdvanceTime(milliseconds(40001));
  ServerSends();
  ASSERT_FALSE(server_.has_remote());
  EXPECT_EQ(server_.mtu(), 1252u);
}

// --- Sizes and counters ----------------------------------------------------------

TEST_F(ConnectionTest, OversizeDatagramsAreDroppedUnopened) {
  Associate();
  // Exactly 2048 bytes is accepted ...
  const std::string max =
      Forge(Direction::kToServer, 1, kTimestampNone, kTimestampNone, std::string(2048 - 28, 'm'));
  ASSERT_EQ(max.size(), 2048u);
  EXPECT_TRUE(ServerReceives(max, client_addr_).has_value());
  // ... one byte more is not, even if authentic.
  const std::string big =
      Forge(Direction::kToServer, 2, kTimestampNone, kTimestampNone, std::string(2049 - 28, 'm'));
  EXPECT_FALSE(ServerReceives(big, other_addr_).has_value());
  EXPECT_EQ(server_.stats().dropped_oversize, 1u);
  EXPECT_EQ(server_.remote(), client_addr_);
}

TEST_F(ConnectionTest, ShortDatagramsAndShortPlaintextsAreDropped) {
  EXPECT_FALSE(ServerReceives(std::string(23, 'x'), client_addr_).has_value());
  EXPECT_EQ(server_.stats().dropped_short, 1u);
  // Authentic, right direction, but a plaintext of 3 bytes: no timestamps.
  const std::string three = *forger_.Seal(crypto::MakeNonce(Direction::kToServer, 0), "abc");
  EXPECT_FALSE(ServerReceives(three, client_addr_).has_value());
  EXPECT_EQ(server_.stats().dropped_short, 2u);
  EXPECT_FALSE(server_.has_remote());
  EXPECT_EQ(server_.stats().received, 0u);
}

TEST_F(ConnectionTest, EveryDropIsCountedOnce) {
  Associate();                                                   // received
  ServerReceives(std::string(3000, 'x'), client_addr_);          // oversize
  ServerReceives(std::string(10, 'x'), client_addr_);            // short
  ServerReceives(std::string(40, 'x'), client_addr_);            // auth
  ServerReceives(Forge(Direction::kToClient, 1), client_addr_);  // direction
  ServerReceives(Forge(Direction::kToServer, 0), client_addr_);  // old: received + out_of_order
  const ConnectionStats& s = server_.stats();
  EXPECT_EQ(s.received, 2u);
  EXPECT_EQ(s.dropped_oversize, 1u);
  EXPECT_EQ(s.dropped_short, 1u);
  EXPECT_EQ(s.dropped_auth, 1u);
  EXPECT_EQ(s.dropped_direction, 1u);
  EXPECT_EQ(s.out_of_order, 1u);
  EXPECT_EQ(s.dropped_exhausted, 0u);
  EXPECT_EQ(s.sent, 0u);
}

TEST_F(ConnectionTest, KeyUsageLimitEndsSealAndOpen) {
  // 16-byte payload + 4-byte header = 2 blocks per datagram; limit 5 blocks.
  Connection c = Connection::Client(key_, server_addr_, /*block_limit=*/5);
  ASSERT_TRUE(c.Seal(kPayload, now()).ok());  // 2
  ASSERT_TRUE(c.Seal(kPayload, now()).ok());  // 4
  Result<OutgoingDatagram> out = c.Seal(kPayload, now());
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), StatusCode::kResourceExhausted);
  EXPECT_FALSE(c.Receive(Forge(Direction::kToClient, 0), server_addr_, 0, false, now()));
  EXPECT_EQ(c.stats().dropped_exhausted, 1u);
  EXPECT_EQ(c.stats().sent, 2u);
}

TEST_F(ConnectionTest, LastHeardFollowsInOrderDatagrams) {
  EXPECT_EQ(client_.last_datagram_at(), TimePoint{});
  AdvanceTime(milliseconds(123));
  ClientReceives(Forge(Direction::kToClient, 0));
  EXPECT_EQ(client_.last_datagram_at(), now());
}

TEST_F(ConnectionTest, MovedConnectionKeepsItsState) {
  ClientSends();
  Connection moved = std::move(client_);
  Result<OutgoingDatagram> out = moved.Seal(kPayload, now());
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(OpenSent(out->bytes).nonce_word, crypto::MakeNonce(Direction::kToServer, 1));
}

TEST_F(ConnectionTest, RestartedClientWithTheSameKeyStartsItsCounterElsewhere) {
  // Stock Mosh lets a client be started again with the same MOSH_KEY. Each
  // run's counter starts at a random point high in the 63-bit space, so the
  // two runs do not seal under the same nonces.
  Connection first_run = Connection::Client(key_, server_addr_);
  Connection second_run = Connection::Client(key_, server_addr_);
  Result<OutgoingDatagram> a = first_run.Seal(kPayload, now());
  Result<OutgoingDatagram> b = second_run.Seal(kPayload, now());
  ASSERT_TRUE(a.ok() && b.ok());
  const uint64_t seq_a = crypto::NonceSeq(OpenSent(a->bytes).nonce_word);
  const uint64_t seq_b = crypto::NonceSeq(OpenSent(b->bytes).nonce_word);
  EXPECT_NE(seq_a, seq_b);
  for (uint64_t seq : {seq_a, seq_b}) {
    EXPECT_GE(seq, kClientFirstSeqBase);
    EXPECT_LT(seq, kClientFirstSeqBase + kClientFirstSeqSpan);
  }
  // A server, which expects 0, takes such a counter as in order.
  ASSERT_TRUE(server_.Receive(a->bytes, client_addr_, 0, false, now()).has_value());
  EXPECT_EQ(server_.stats().out_of_order, 0u);
  EXPECT_EQ(server_.remote(), client_addr_);
}

TEST_F(ConnectionTest, PeerLossIsEstimatedFromGapsInTheCounter) {
  EXPECT_EQ(client_.peer_loss(), 0);
  // The server's first datagram may start anywhere: no gap before it.
  ClientReceives(Forge(Direction::kToClient, 5));
  EXPECT_EQ(client_.peer_loss(), 0);
  // Every datagram arrives: stays 0.
  for (uint64_t seq = 6; seq < 40; ++seq) ClientReceives(Forge(Direction::kToClient, seq));
  EXPECT_EQ(client_.peer_loss(), 0);
  // Every other one missing: the estimate settles near one half.
  uint64_t seq = 40;
  for (int i = 0; i < 200; ++i, seq += 2) ClientReceives(Forge(Direction::kToClient, seq));
  EXPECT_NEAR(client_.peer_loss(), 0.5, 0.05);
  // A late arrival of a skipped one is taken back.
  const double before = client_.peer_loss();
  ClientReceives(Forge(Direction::kToClient, seq - 3));
  EXPECT_LT(client_.peer_loss(), before);
  // Then a clean stretch brings it back down.
  for (int i = 0; i < 100; ++i) ClientReceives(Forge(Direction::kToClient, seq++));
  EXPECT_LT(client_.peer_loss(), 0.01);
  // Forgeries move nothing.
  const double clean = client_.peer_loss();
  crypto::OcbSession stranger(crypto::Key::Generate());
  Datagram d;
  d.payload = kPayload;
  client_.Receive(*stranger.Seal(crypto::MakeNonce(Direction::kToClient, seq + 1000), d.Encode()),
                  server_addr_, 0, false, now());
  EXPECT_EQ(client_.peer_loss(), clean);
}

TEST(ClientFirstSeqTest, SeededDrawsStayInTheRange) {
  SeededRandom random(5);
  for (int i = 0; i < 1000; ++i) {
    const uint64_t seq = ClientFirstSeq(random);
    ASSERT_GE(seq, kClientFirstSeqBase);
    ASSERT_LT(seq, kClientFirstSeqBase + kClientFirstSeqSpan);
  }
}

}  // namespace
}  // namespace roam::net
