// A channel's life in the multiplexer: open, accept or refuse, data both
// ways, half-close either way first, reset, STOP_SENDING, release and being
// forgotten, and MAX_STREAMS — between two Muxes on a fake clock.

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "channel/mux.h"
#include "unit/channel/mux_bed.h"

namespace roam::channel {
namespace {

using namespace std::chrono_literals;
using testing::MuxBed;
using testing::Pattern;

bool Forgotten(MuxBed& bed) {
  return bed.client().channel_count() == 0 && bed.server().channel_count() == 0;
}

TEST(MuxChannelTest, AnAcceptedChannelCarriesBytesBothWays) {
  MuxBed bed;
  const uint64_t id = bed.Open("the request");
  EXPECT_EQ(id, 0u);  // the client's first channel
  ASSERT_TRUE(bed.RunUntil([&] { return bed.Saw(Side::kClient, id, MuxEvent::kAccepted); }));
  ASSERT_EQ(bed.incoming().size(), 1u);
  EXPECT_EQ(bed.incoming()[0], id);
  EXPECT_TRUE(bed.Saw(Side::kServer, id, MuxEvent::kIncoming));
  EXPECT_EQ(bed.client().Info(id)->phase, ChannelPhase::kOpen);
  EXPECT_EQ(bed.server().Info(id)->phase, ChannelPhase::kOpen);

  bed.Write(Side::kClient, id, "ping");
  bed.Write(Side::kServer, id, "pong");
  bed.Read(Side::kClient, id);
  bed.Read(Side::kServer, id);
  ASSERT_TRUE(bed.RunUntil([&] {
    return bed.Received(Side::kServer, id) == "ping" && bed.Received(Side::kClient, id) == "pong";
  }));
  EXPECT_TRUE(bed.Saw(Side::kServer, id, MuxEvent::kReadable));
  EXPECT_TRUE(bed.Saw(Side::kClient, id, MuxEvent::kReadable));
  EXPECT_EQ(bed.client().Info(id)->stats.bytes_written, 4u);
  EXPECT_EQ(bed.server().Info(id)->stats.bytes_read, 4u);
}

TEST(MuxChannelTest, TheServerSeesTheRequestBeforeAnswering) {
  MuxBed bed;
  bed.set_answer(MuxBed::Answer::kHold);
  const uint64_t id = bed.Open("open sesame");
  ASSERT_TRUE(bed.RunUntil([&] { return !bed.incoming().empty(); }));
  EXPECT_EQ(bed.server().Request(id), "open sesame");
  EXPECT_EQ(bed.server().Info(id)->phase, ChannelPhase::kIncoming);
  EXPECT_EQ(bed.client().Info(id)->phase, ChannelPhase::kOpening);
  EXPECT_EQ(bed.server().Info(id)->writable, 0u);  // no writing before the answer
  EXPECT_EQ(bed.server().Write(id, "x"), 0u);
}

TEST(MuxChannelTest, BytesWrittenBeforeTheAnswerAreDeliveredAfterAccept) {
  MuxBed bed;
  bed.set_answer(MuxBed::Answer::kHold);
  const uint64_t id = bed.Open();
  bed.Write(Side::kClient, id, "sent at once");
  bed.Read(Side::kServer, id);
  ASSERT_TRUE(bed.RunUntil([&] { return !bed.incoming().empty(); }));
  bed.Run(1s);
  EXPECT_EQ(bed.Received(Side::kServer, id), "");  // nothing readable while unanswered
  EXPECT_EQ(bed.server().Info(id)->readable, 0u);
  ASSERT_TRUE(bed.server().Accept(id).ok());
  EXPECT_TRUE(bed.RunUntil([&] { return bed.Received(Side::kServer, id) == "sent at once"; }));
}

TEST(MuxChannelTest, ARefusalCarriesItsReasonAndBothSidesForgetTheChannel) {
  MuxBed bed;
  bed.set_answer(MuxBed::Answer::kRefuse, "not today");
  const uint64_t id = bed.Open();
  bed.Write(Side::kClient, id, Pattern(100 * 1024));  // discarded by the refusal
  ASSERT_TRUE(bed.RunUntil([&] { return bed.Saw(Side::kClient, id, MuxEvent::kRefused); }));
  std::optional<ChannelInfo> info = bed.client().Info(id);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->phase, ChannelPhase::kRefused);
  EXPECT_EQ(info->reason, "not today");
  EXPECT_EQ(info->writable, 0u);
  EXPECT_EQ(bed.client().Write(id, "more"), 0u);
  EXPECT_FALSE(bed.Saw(Side::kClient, id, MuxEvent::kAccepted));
  EXPECT_EQ(bed.client().stats().channels_refused, 1u);
  EXPECT_EQ(bed.server().stats().channels_refused, 1u);
  bed.client().Release(id);
  EXPECT_TRUE(bed.RunUntil([&] { return Forgotten(bed); }));
}

TEST(MuxChannelTest, ALongRefusalReasonIsCut) {
  MuxBed bed;
  bed.set_answer(MuxBed::Answer::kRefuse, std::string(5000, 'r'));
  const uint64_t id = bed.Open();
  ASSERT_TRUE(bed.RunUntil([&] { return bed.Saw(Side::kClient, id, MuxEvent::kRefused); }));
  EXPECT_EQ(bed.client().Info(id)->reason, std::string(kMaxReasonBytes, 'r'));
}

TEST(MuxChannelTest, HalfCloseClientFirstThenTheServerAnswers) {
  MuxBed bed;
  const uint64_t id = bed.Open();
  bed.Write(Side::kClient, id, "question", /*close=*/true);
  bed.Read(Side::kServer, id);
  bed.Read(Side::kClient, id);
  ASSERT_TRUE(bed.RunUntil([&] { return bed.Saw(Side::kServer, id, MuxEvent::kEof); }));
  EXPECT_EQ(bed.Received(Side::kServer, id), "question");
  EXPECT_TRUE(bed.server().Info(id)->eof);
  EXPECT_TRUE(bed.client().Info(id)->write_closed);
  // The server's direction is still open.
  bed.Write(Side::kServer, id, "answer", /*close=*/true);
  ASSERT_TRUE(bed.RunUntil([&] { return bed.Saw(Side::kClient, id, MuxEvent::kEof); }));
  EXPECT_EQ(bed.Received(Side::kClient, id), "answer");
  EXPECT_TRUE(bed.RunUntil([&] { return bed.client().Info(id)->send_done; }));
  bed.client().Release(id);
  bed.server().Release(id);
  EXPECT_TRUE(bed.RunUntil([&] { return Forgotten(bed); }));
  EXPECT_EQ(bed.client().stats().channels_closed, 1u);
  EXPECT_EQ(bed.server().stats().channels_closed, 1u);
}

TEST(MuxChannelTest, HalfCloseServerFirstWhileTheClientKeepsWriting) {
  MuxBed bed;
  const uint64_t id = bed.Open();
  bed.Write(Side::kServer, id, "banner", /*close=*/true);
  bed.Read(Side::kClient, id);
  bed.Read(Side::kServer, id);
  ASSERT_TRUE(bed.RunUntil([&] { return bed.Saw(Side::kClient, id, MuxEvent::kEof); }));
  EXPECT_EQ(bed.Received(Side::kClient, id), "banner");
  const std::string upload = Pattern(200 * 1024, 4);
  bed.Write(Side::kClient, id, upload, /*close=*/true);
  ASSERT_TRUE(bed.RunUntil([&] { return bed.Saw(Side::kServer, id, MuxEvent::kEof); }));
  EXPECT_TRUE(bed.Received(Side::kServer, id) == upload);
}

TEST(MuxChannelTest, AnEmptyChannelClosedAtOnceStillOpensAndEnds) {
  MuxBed bed;
  const uint64_t id = bed.Open();
  bed.client().CloseWrite(id);
  bed.Read(Side::kServer, id);
  ASSERT_TRUE(bed.RunUntil([&] { return bed.Saw(Side::kServer, id, MuxEvent::kEof); }));
  EXPECT_EQ(bed.Received(Side::kServer, id), "");
}

TEST(MuxChannelTest, AResetReachesThePeerWithItsCodeAndStopsItsWrites) {
  MuxBed bed;
  const uint64_t id = bed.Open();
  bed.Write(Side::kClient, id, "partial");
  bed.Read(Side::kServer, id);
  ASSERT_TRUE(bed.RunUntil([&] { return bed.Received(Side::kServer, id) == "partial"; }));
  bed.client().Reset(id, 42);
  ASSERT_TRUE(bed.RunUntil([&] { return bed.Saw(Side::kServer, id, MuxEvent::kReset); }));
  std::optional<ChannelInfo> info = bed.server().Info(id);
  ASSERT_TRUE(info);
  EXPECT_TRUE(info->peer_reset);
  EXPECT_EQ(info->peer_reset_code, 42u);
  // The client no longer reads: the server is told to stop sending.
  ASSERT_TRUE(bed.RunUntil([&] { return bed.Saw(Side::kServer, id, MuxEvent::kStopSending); }));
  EXPECT_TRUE(bed.server().Info(id)->stop_sending);
  EXPECT_EQ(bed.server().Write(id, "ignored"), 0u);
  EXPECT_EQ(bed.client().Write(id, "ignored"), 0u);
  bed.client().Release(id);
  bed.server().Release(id);
  EXPECT_TRUE(bed.RunUntil([&] { return Forgotten(bed); }));
}

TEST(MuxChannelTest, TheServerCanResetToo) {
  MuxBed bed;
  const uint64_t id = bed.Open();
  ASSERT_TRUE(bed.RunUntil([&] { return bed.Saw(Side::kClient, id, MuxEvent::kAccepted); }));
  bed.server().Reset(id, kErrorServiceFailed);
  ASSERT_TRUE(bed.RunUntil([&] { return bed.Saw(Side::kClient, id, MuxEvent::kReset); }));
  EXPECT_EQ(bed.client().Info(id)->peer_reset_code, kErrorServiceFailed);
}

TEST(MuxChannelTest, ReleasingWithoutReadingToTheEndStopsThePeersWriter) {
  MuxBed bed;
  const uint64_t id = bed.Open();
  bed.Write(Side::kServer, id, Pattern(4 << 20, 6));  // more than anyone reads
  ASSERT_TRUE(bed.RunUntil([&] { return bed.Saw(Side::kClient, id, MuxEvent::kReadable); }));
  bed.client().CloseWrite(id);
  bed.client().Release(id);
  EXPECT_TRUE(bed.client().ChannelIds().empty());  // released: no longer the application's
  ASSERT_TRUE(bed.RunUntil([&] { return bed.Saw(Side::kServer, id, MuxEvent::kStopSending); }));
  EXPECT_EQ(bed.server().Write(id, "x"), 0u);
  bed.server().Release(id);
  EXPECT_TRUE(bed.RunUntil([&] { return Forgotten(bed); }));
  EXPECT_EQ(bed.client().buffered_bytes() + bed.server().buffered_bytes(), 0u);
}

TEST(MuxChannelTest, ReleasingAnOpenChannelResetsItsWriteSide) {
  MuxBed bed;
  const uint64_t id = bed.Open();
  ASSERT_TRUE(bed.RunUntil([&] { return bed.Saw(Side::kClient, id, MuxEvent::kAccepted); }));
  bed.client().Release(id);  // neither CloseWrite nor Reset first
  ASSERT_TRUE(bed.RunUntil([&] { return bed.Saw(Side::kServer, id, MuxEvent::kReset); }));
  EXPECT_EQ(bed.server().Info(id)->peer_reset_code, kErrorCancelled);
}

TEST(MuxChannelTest, AForgottenChannelsLateFramesAreHarmless) {
  MuxBed bed;
  const uint64_t id = bed.Open();
  bed.Write(Side::kClient, id, "x", /*close=*/true);
  bed.Write(Side::kServer, id, "y", /*close=*/true);
  bed.Read(Side::kServer, id);
  bed.Read(Side::kClient, id);
  ASSERT_TRUE(bed.RunUntil([&] {
    return bed.Saw(Side::kServer, id, MuxEvent::kEof) && bed.Saw(Side::kClient, id, MuxEvent::kEof);
  }));
  bed.client().Release(id);
  bed.server().Release(id);
  ASSERT_TRUE(bed.RunUntil([&] { return Forgotten(bed); }));
  EXPECT_FALSE(bed.server().Info(id));
  // A retransmission of the channel's last frame arrives after all.
  const uint64_t carrier = bed.Open();
  bed.Inject(/*to_server=*/true, {StreamFrame{id, 5, "x", true}, MaxStreamDataFrame{id, 1 << 30}});
  ASSERT_TRUE(bed.RunUntil([&] { return !bed.injections_pending(); }));
  bed.Run(100ms);
  EXPECT_EQ(bed.server().stats().frames_late, 2u);
  EXPECT_EQ(bed.server().stats().frames_bad_stream, 0u);
  EXPECT_FALSE(bed.server().Info(id));
  EXPECT_TRUE(bed.server().Info(carrier));
}

TEST(MuxChannelTest, ChannelIdsListsWhatTheApplicationHolds) {
  MuxBed bed;
  bed.set_answer(MuxBed::Answer::kHold);
  const uint64_t a = bed.Open("a");
  const uint64_t b = bed.Open("b");
  EXPECT_EQ(a, 0u);
  EXPECT_EQ(b, 4u);
  EXPECT_EQ(bed.client().ChannelIds(), (std::vector<uint64_t>{0, 4}));
  ASSERT_TRUE(bed.RunUntil([&] { return bed.incoming().size() == 2; }));
  EXPECT_EQ(bed.server().ChannelIds(), (std::vector<uint64_t>{0, 4}));
  bed.client().Release(a);
  EXPECT_EQ(bed.client().ChannelIds(), (std::vector<uint64_t>{4}));
}

TEST(MuxChannelTest, AServerOpenedChannelGetsAnOddId) {
  MuxBed bed;
  Result<uint64_t> id = bed.server().Open("from the server", bed.Now());
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id, 1u);
  bool incoming = false;
  bed.pair().application = [&](TimePoint) {
    for (const MuxEvent& e : bed.client().TakeEvents()) {
      if (e.kinds & MuxEvent::kIncoming) {
        incoming = true;
        EXPECT_EQ(bed.client().Request(e.id), "from the server");
        EXPECT_TRUE(bed.client().Accept(e.id).ok());
      }
    }
  };
  ASSERT_TRUE(bed.RunUntil([&] { return incoming; }));
  EXPECT_TRUE(bed.RunUntil([&] { return bed.server().Info(*id)->phase == ChannelPhase::kOpen; }));
}

// ------------------------------------------------------------- answers

TEST(MuxChannelTest, AcceptAndRefuseNeedAChannelWaitingForAnAnswer) {
  MuxBed bed;
  bed.set_answer(MuxBed::Answer::kHold);
  EXPECT_EQ(bed.server().Accept(0).code(), StatusCode::kInvalidArgument);  // unknown
  const uint64_t id = bed.Open();
  ASSERT_TRUE(bed.RunUntil([&] { return !bed.incoming().empty(); }));
  EXPECT_EQ(bed.client().Accept(id).code(), StatusCode::kInvalidArgument);  // the opener's own
  ASSERT_TRUE(bed.server().Accept(id).ok());
  EXPECT_EQ(bed.server().Accept(id).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bed.server().Refuse(id, "late").code(), StatusCode::kInvalidArgument);
}

TEST(MuxChannelTest, AnOpenRequestOverTheLimitIsRefusedLocally) {
  MuxBed bed;
  Result<uint64_t> id = bed.client().Open(std::string(kMaxOpenRequestBytes + 1, 'q'), bed.Now());
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(bed.client().channel_count(), 0u);
}

TEST(MuxChannelTest, AnOpenRequestAtTheLimitArrivesWhole) {
  MuxBed bed;
  bed.set_answer(MuxBed::Answer::kHold);
  const std::string request = Pattern(kMaxOpenRequestBytes, 2);
  const uint64_t id = bed.Open(request);
  ASSERT_TRUE(bed.RunUntil([&] { return !bed.incoming().empty(); }));
  EXPECT_TRUE(bed.server().Request(id) == request);
}

TEST(MuxChannelTest, ClosingTheWriteSideBeforeAcceptingAcceptsHalfClosed) {
  // The service has nothing to say: it closes its side, then accepts. The
  // opener sees the acceptance and at once the end of the server's bytes.
  MuxBed bed;
  bed.set_answer(MuxBed::Answer::kHold);
  const uint64_t id = bed.Open();
  ASSERT_TRUE(bed.RunUntil([&] { return !bed.incoming().empty(); }));
  bed.server().CloseWrite(id);
  EXPECT_EQ(bed.server().Info(id)->phase, ChannelPhase::kIncoming);
  ASSERT_TRUE(bed.server().Accept(id).ok());
  bed.Read(Side::kClient, id);
  ASSERT_TRUE(bed.RunUntil([&] { return bed.Saw(Side::kClient, id, MuxEvent::kEof); }));
  EXPECT_TRUE(bed.Saw(Side::kClient, id, MuxEvent::kAccepted));
  EXPECT_EQ(bed.Received(Side::kClient, id), "");
  // The client's direction still works.
  bed.Write(Side::kClient, id, "still listening", /*close=*/true);
  bed.Read(Side::kServer, id);
  EXPECT_TRUE(bed.RunUntil([&] { return bed.Received(Side::kServer, id) == "still listening"; }));
}

TEST(MuxChannelTest, ClosingTheWriteSideBeforeRefusingStillRefuses) {
  MuxBed bed;
  bed.set_answer(MuxBed::Answer::kHold);
  const uint64_t id = bed.Open();
  ASSERT_TRUE(bed.RunUntil([&] { return !bed.incoming().empty(); }));
  bed.server().CloseWrite(id);
  ASSERT_TRUE(bed.server().Refuse(id, "closed").ok());
  ASSERT_TRUE(bed.RunUntil([&] { return bed.Saw(Side::kClient, id, MuxEvent::kRefused); }));
  EXPECT_EQ(bed.client().Info(id)->reason, "closed");
}

// ------------------------------------------------------------- MAX_STREAMS

TEST(MuxChannelTest, MaxStreamsLimitsOpensUntilChannelsAreForgotten) {
  MuxConfig config;
  config.max_incoming_channels = 2;
  MuxBed bed(config);
  const uint64_t a = bed.Open("a");
  const uint64_t b = bed.Open("b");
  Result<uint64_t> third = bed.client().Open("c", bed.Now());
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.status().code(), StatusCode::kResourceExhausted);

  // Close a both ways; once both sides forgot it, the server grants one
  // more channel.
  bed.client().CloseWrite(a);
  bed.client().Release(a);
  bed.Read(Side::kServer, a);
  ASSERT_TRUE(bed.RunUntil([&] { return bed.Saw(Side::kServer, a, MuxEvent::kEof); }));
  bed.server().CloseWrite(a);
  bed.server().Release(a);
  ASSERT_TRUE(bed.RunUntil([&] { return bed.client().Open("c", bed.Now()).ok(); }));
  EXPECT_FALSE(bed.client().Open("d", bed.Now()).ok());
  EXPECT_TRUE(bed.client().Info(b));
}

// ------------------------------------------- the peer's answers out of turn

TEST(MuxChannelTest, AClientThatReleasesRightAfterOpeningStillDeliversItsBytes) {
  // Fire and forget: open, write, close and release before any answer. The
  // release asks the server to stop sending before it has even seen the
  // request; the server still accepts, and receives every byte.
  MuxBed bed;
  const uint64_t id = bed.Open();
  const std::string upload = Pattern(10000, 1);
  ASSERT_EQ(bed.client().Write(id, upload), upload.size());
  bed.client().CloseWrite(id);
  bed.client().Release(id);
  bed.Read(Side::kServer, id);
  ASSERT_TRUE(bed.RunUntil([&] { return bed.Saw(Side::kServer, id, MuxEvent::kEof); }));
  EXPECT_TRUE(bed.Received(Side::kServer, id) == upload);
  EXPECT_TRUE(bed.Saw(Side::kServer, id, MuxEvent::kStopSending));
  bed.server().Release(id);
  EXPECT_TRUE(bed.RunUntil([&] { return Forgotten(bed); }));
}

TEST(MuxChannelTest, StopSendingBeforeTheAnswerDoesNotStopTheAccept) {
  // The client opens a channel and at once tells the server to stop
  // sending on it (it will not read the answer). The server's Accept must
  // cope with a send side already reset: the client sees the reset, no
  // answer.
  MuxBed bed;
  bed.set_answer(MuxBed::Answer::kHold);
  bed.Inject(/*to_server=*/true, {StopSendingFrame{0, 9}});
  const uint64_t id = bed.Open();
  ASSERT_EQ(id, 0u);
  ASSERT_TRUE(bed.RunUntil([&] { return !bed.incoming().empty(); }));
  EXPECT_TRUE(bed.Saw(Side::kServer, id, MuxEvent::kStopSending));
  EXPECT_TRUE(bed.server().Accept(id).ok());
  EXPECT_EQ(bed.server().Write(id, "x"), 0u);
  ASSERT_TRUE(bed.RunUntil([&] { return bed.Saw(Side::kClient, id, MuxEvent::kRefused); }));
  bed.client().Release(id);
  bed.server().Release(id);
  EXPECT_TRUE(bed.RunUntil([&] { return Forgotten(bed); }));
}

TEST(MuxChannelTest, StopSendingBeforeTheAnswerDoesNotStopARefusal) {
  MuxBed bed;
  bed.set_answer(MuxBed::Answer::kHold);
  bed.Inject(/*to_server=*/true, {StopSendingFrame{0, 9}});
  const uint64_t id = bed.Open();
  ASSERT_TRUE(bed.RunUntil([&] { return !bed.incoming().empty(); }));
  EXPECT_TRUE(bed.server().Refuse(id, "no").ok());
  ASSERT_TRUE(bed.RunUntil([&] { return bed.Saw(Side::kClient, id, MuxEvent::kRefused); }));
  bed.client().Release(id);
  EXPECT_TRUE(bed.RunUntil([&] { return Forgotten(bed); }));
}

}  // namespace
}  // namespace roam::channel
