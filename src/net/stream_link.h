// StreamLink: sealed datagrams over one byte stream (docs/protocol.md §10),
// the I/O side: a readable and a writable descriptor (the same socket for
// TCP; a pipe pair for an ssh process), non-blocking, polled by the owner's
// event loop.
//
// Send() frames a datagram into the outgoing buffer; when the stream cannot
// keep up and the buffer holds kMaxQueued bytes, datagrams are dropped and
// counted, as a congested UDP path would drop them (everything above
// recovers from loss; nothing grows without bound). Received frames come out
// of OnReadable() as datagrams. EOF, an I/O error or broken framing close
// the link: up() turns false and the owner may open a new one.

#ifndef ROAM_NET_STREAM_LINK_H_
#define ROAM_NET_STREAM_LINK_H_

#include <poll.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/unique_fd.h"
#include "net/stream_framing.h"

namespace roam::net {

struct StreamLinkStats {
  uint64_t sent = 0;
  uint64_t received = 0;
  uint64_t dropped_full = 0;  // Send() found the outgoing buffer full
  uint64_t malformed = 0;     // framing broke (the link closed)
};

class StreamLink {
 public:
  static constexpr size_t kMaxQueued = 512 * 1024;

  // Takes ownership of both descriptors (they may be the same, e.g. a
  // socket: pass it as `read` and -1 as `write`). Both are made non-blocking.
  StreamLink(UniqueFd read, UniqueFd write);

  bool up() const { return up_; }
  // Queues one datagram; false (and counted) when the link is down or full.
  bool Send(std::string_view datagram);
  void AddPollFds(std::vector<pollfd>* fds) const;
  // Reads and writes what poll() reported ready in `fds`; returns the
  // datagrams received.
  std::vector<std::string> OnPolled(const std::vector<pollfd>& fds);
  void Close();

  int read_fd() const { return read_.get(); }
  const StreamLinkStats& stats() const { return stats_; }
  const std::string& close_reason() const { return close_reason_; }

 private:
  int write_fd() const { return write_.valid() ? write_.get() : read_.get(); }
  void Flush();
  void Fail(const std::string& why);

  UniqueFd read_;
  UniqueFd write_;
  bool up_ = true;
  std::string out_;
  size_t out_pos_ = 0;
  StreamDeframer deframer_;
  StreamLinkStats stats_;
  std::string close_reason_;
};

}  // namespace roam::net

#endif  // ROAM_NET_STREAM_LINK_H_
