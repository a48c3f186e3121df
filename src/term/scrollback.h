// Scrollback: the bounded history of lines that scrolled off the top of the
// primary screen, kept compactly.
//
// Each line is encoded once, when it leaves the screen, into large shared
// chunks (no allocation per line once warm): its UTF-8 text with a few
// marker bytes for empty / wide / fallback / multi-code-point cells, its
// trailing blank cells trimmed, and its attributes as run-length runs (none
// at all for a plain line). 10,000 lines of 80-column ASCII take well under
// 2 MiB. The oldest lines are dropped past `max_lines` (or kMaxBytes).
//
// Which scrolls reach the scrollback is the emulator's decision (xterm's
// rule: the primary screen scrolls up with the top margin at row 0).
//
// Lines are numbered: the first line ever pushed is line 0, and numbers
// keep counting across drops and Clear(), so a number names one line for
// the scrollback's whole life (the history a roam client catches up on is
// asked for by number, docs/protocol.md §8.5).

#ifndef ROAM_TERM_SCROLLBACK_H_
#define ROAM_TERM_SCROLLBACK_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "term/row.h"

namespace roam::term {

class Scrollback {
 public:
  // Keeps at most `max_lines` lines; 0 keeps none (Push does nothing).
  explicit Scrollback(size_t max_lines);

  size_t max_lines() const { return max_lines_; }
  // Drops lines beyond the new limit (the oldest first).
  void set_max_lines(size_t max_lines);

  // Appends a copy of `row` (cells, texts, wrap mark) as the newest line,
  // dropping the oldest line when full.
  void Push(const Row& row);

  // Number of lines held; line 0 is the oldest.
  size_t size() const { return count_; }
  // The number the next line pushed will get: how many lines were ever
  // pushed (also while max_lines() was 0).
  uint64_t end_number() const { return pushed_; }
  // The number of line 0 (the oldest held); end_number() when empty.
  uint64_t first_number() const { return pushed_ - count_; }
  // Line `i` decoded back into a Row of its original width.
  // REQUIRES: i < size().
  Row Line(size_t i) const;
  // Line `i` as plain UTF-8 text: empty cells are spaces, trailing blanks
  // trimmed. REQUIRES: i < size().
  std::string LineText(size_t i) const;
  // Whether line `i` was soft-wrapped into the next. REQUIRES: i < size().
  bool LineWrapped(size_t i) const;
  // The encoded bytes of line `i` (stable format for serialization; feed
  // back with PushEncoded). REQUIRES: i < size().
  std::string_view EncodedLine(size_t i) const;
  // Appends an already encoded line (from EncodedLine). Returns false, and
  // stores nothing, if the bytes do not decode.
  bool PushEncoded(std::string_view encoded);

  // Drops every line; the numbering goes on (end_number() is unchanged).
  void Clear();

  // Heap bytes held (chunks, line index), for limits and tests.
  size_t MemoryBytes() const;

  static constexpr size_t kChunkBytes = 64 * 1024;
  static constexpr size_t kMaxBytes = 64 * 1024 * 1024;

 private:
  struct Chunk {
    std::unique_ptr<char[]> data;
    size_t capacity = 0;
    size_t used = 0;
    size_t live = 0;  // lines stored here and not yet dropped
  };
  struct LineRef {
    uint32_t chunk;  // absolute chunk number (first_chunk_ is chunks_[0])
    uint32_t offset;
    uint32_t length;
  };

  void Store(std::string_view encoded);
  // Makes room for `bytes` more in the newest chunk (dropping the oldest
  // lines as the limits require) and returns where to write them; Commit
  // records the line actually written there.
  char* Reserve(size_t bytes);
  void Commit(size_t length);
  void DropOldest();
  // DropOldest's rare part: resets the ring once it is empty and frees the
  // leading chunks that hold no live line.
  void ReleaseDropped();
  const LineRef& Ref(size_t i) const;

  size_t max_lines_;
  uint64_t pushed_ = 0;  // lines ever pushed: end_number()
  std::vector<LineRef> ring_;
  size_t head_ = 0;  // index in ring_ of line 0
  size_t count_ = 0;
  std::vector<Chunk> chunks_;  // oldest first; few, so erasing the front is cheap
  uint32_t first_chunk_ = 0;
  size_t chunk_bytes_ = 0;  // sum of chunk capacities
};

// Encodes `row` in the scrollback line format into *out (cleared first).
void EncodeScrollbackLine(const Row& row, std::string* out);
// Decodes a line. Returns false on malformed input.
bool DecodeScrollbackLine(std::string_view in, Row* out);

}  // namespace roam::term

#endif  // ROAM_TERM_SCROLLBACK_H_
