// Cell: one character position of the screen, a 16-byte POD.
//
// Contents follow Mosh's model (docs/protocol.md §12.3): a cell is empty (never printed
// since it was erased), or holds a base character plus up to 32 bytes of
// combining characters. The common case, one code point, is stored inline;
// a cell that also carries combining characters holds an index into its
// Row's cluster table (Row::CellText gives the text either way). Because of
// that index, two cells are compared through Row::CellEquals, not bitwise.
//
// Flags: `wide` (the character takes this cell and the next one, which is
// left empty), `fallback` (the cell starts with a combining character).

#ifndef ROAM_TERM_CELL_H_
#define ROAM_TERM_CELL_H_

#include <cstdint>

#include "term/rendition.h"

namespace roam::term {

class Cell {
 public:
  constexpr Cell() = default;
  constexpr explicit Cell(Rendition r) : rend(r) {}
  constexpr Cell(char32_t cp, Rendition r) : bits_(static_cast<uint32_t>(cp)), rend(r) {}

  // A blank cell carrying background `bg` (BCE).
  static Cell Blank(Color bg) { return Cell(Rendition::Background(bg)); }

  // True when nothing was printed here since the last erase.
  bool empty() const { return (bits_ & (kPayloadMask | kClusterBit)) == 0; }
  bool is_cluster() const { return (bits_ & kClusterBit) != 0; }
  // The code point. REQUIRES: !is_cluster().
  char32_t code_point() const { return static_cast<char32_t>(bits_ & kPayloadMask); }
  // Index into Row's cluster table. REQUIRES: is_cluster().
  uint32_t cluster_index() const { return bits_ & kPayloadMask; }
  bool wide() const { return (bits_ & kWideBit) != 0; }
  bool fallback() const { return (bits_ & kFallbackBit) != 0; }

  void set_code_point(char32_t cp) { bits_ = (bits_ & kFlagMask & ~kClusterBit) | cp; }
  void set_cluster_index(uint32_t i) { bits_ = (bits_ & kFlagMask) | kClusterBit | i; }
  void set_wide(bool on) { SetBit(kWideBit, on); }
  void set_fallback(bool on) { SetBit(kFallbackBit, on); }

  // True when the cell is empty, has no flags and default rendition: the
  // state of a cell that was never touched on a default background.
  bool pristine() const { return bits_ == 0 && rend.IsDefault(); }

  // Raw bits for serialization: payload (low 24 bits) and flags.
  uint32_t raw_bits() const { return bits_; }
  void set_raw_bits(uint32_t b) { bits_ = b; }

  static constexpr uint32_t kPayloadMask = 0x00FFFFFF;
  static constexpr uint32_t kFlagMask = 0xFF000000;
  static constexpr uint32_t kWideBit = 1u << 24;
  static constexpr uint32_t kFallbackBit = 1u << 25;
  static constexpr uint32_t kClusterBit = 1u << 26;

 private:
  void SetBit(uint32_t bit, bool on) { bits_ = on ? (bits_ | bit) : (bits_ & ~bit); }

  uint32_t bits_ = 0;

 public:
  Rendition rend;
};

static_assert(sizeof(Cell) == 16);

}  // namespace roam::term

#endif  // ROAM_TERM_CELL_H_
