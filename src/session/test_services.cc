#include "session/test_services.h"

#include <algorithm>

#include "base/check.h"

namespace roam::session {

namespace {

// Bytes a service holds between reading and writing at most.
constexpr size_t kServiceBuffer = 256 * 1024;

class Echo final : public TestService {
 public:
  explicit Echo(uint64_t id) : id_(id) {}
  void Run(channel::Mux* mux) override {
    if (done_) return;
    for (int round = 0; round < 64; ++round) {
      if (pending_.size() < kServiceBuffer)
        mux->Read(id_, &pending_, kServiceBuffer - pending_.size());
      const size_t written = mux->Write(id_, pending_);
      pending_.erase(0, written);
      if (written == 0) break;
    }
    std::optional<channel::ChannelInfo> info = mux->Info(id_);
    if (!info || info->peer_reset || info->stop_sending) {
      mux->Release(id_);
      done_ = true;
    } else if (info->eof && pending_.empty()) {
      mux->CloseWrite(id_);
      mux->Release(id_);
      done_ = true;
    }
  }
  bool done() const override { return done_; }

 private:
  uint64_t id_;
  std::string pending_;
  bool done_ = false;
};

class Discard final : public TestService {
 public:
  explicit Discard(uint64_t id) : id_(id) {}
  void Run(channel::Mux* mux) override {
    if (done_) return;
    std::string sink;
    for (size_t n; (n = mux->Read(id_, &sink, kServiceBuffer)) > 0; sink.clear()) count_ += n;
    std::optional<channel::ChannelInfo> info = mux->Info(id_);
    if (!info || info->peer_reset || info->stop_sending) {
      mux->Release(id_);
      done_ = true;
    } else if (info->eof) {
      // A fresh channel's send buffer always has room for the count.
      (void)mux->Write(id_, std::to_string(count_) + "\n");
      mux->CloseWrite(id_);
      mux->Release(id_);
      done_ = true;
    }
  }
  bool done() const override { return done_; }

 private:
  uint64_t id_;
  uint64_t count_ = 0;
  bool done_ = false;
};

class Source final : public TestService {
 public:
  Source(uint64_t id, uint64_t bytes) : id_(id), remaining_(bytes) {}
  void Run(channel::Mux* mux) override {
    if (done_) return;
    std::string sink;
    while (mux->Read(id_, &sink, kServiceBuffer) > 0) sink.clear();
    for (int round = 0; round < 64 && (remaining_ > 0 || !pending_.empty()); ++round) {
      if (pending_.empty()) {
        const size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, 64 * 1024));
        pending_ = source_.Next(n);
        remaining_ -= n;
      }
      const size_t written = mux->Write(id_, pending_);
      pending_.erase(0, written);
      if (written == 0) break;
    }
    std::optional<channel::ChannelInfo> info = mux->Info(id_);
    if (!info || info->peer_reset || info->stop_sending) {
      mux->Release(id_);
      done_ = true;
    } else if (remaining_ == 0 && pending_.empty()) {
      mux->CloseWrite(id_);
      mux->Release(id_);
      done_ = true;
    }
  }
  bool done() const override { return done_; }

 private:
  uint64_t id_;
  uint64_t remaining_;
  SourceBytes source_;
  std::string pending_;
  bool done_ = false;
};

}  // namespace

std::string SourceBytes::Next(size_t n) {
  std::string out;
  out.reserve(n);
  while (out.size() < n) {
    if (left_ == 0) {
      word_ = random_.Next();
      left_ = 8;
    }
    out.push_back(static_cast<char>(word_ & 0xFF));
    word_ >>= 8;
    --left_;
  }
  return out;
}

std::unique_ptr<TestService> MakeTestService(const RoamChannel::OpenRequest& request, uint64_t id) {
  switch (request.kind_case()) {
    case RoamChannel::OpenRequest::kEcho:
      return std::make_unique<Echo>(id);
    case RoamChannel::OpenRequest::kDiscard:
      return std::make_unique<Discard>(id);
    case RoamChannel::OpenRequest::kSource:
      return std::make_unique<Source>(id, request.source().bytes());
    default:
      break;
  }
  ROAM_CHECK(false);
  return nullptr;
}

}  // namespace roam::session
