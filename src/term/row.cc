// Row: cells, wrap mark and cluster texts of one screen line (see row.h).

#include "term/row.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <type_traits>

namespace roam::term {
namespace {

// Generations are unique across threads without an atomic operation per
// row write: each thread takes a block of 2^32 values at a time.
std::atomic<uint64_t> g_next_block{1};

uint64_t NextGen() {
  thread_local uint64_t next = 0;
  thread_local uint64_t limit = 0;
  if (next == limit) {
    next = g_next_block.fetch_add(1, std::memory_order_relaxed) << 32;
    limit = next + (uint64_t{1} << 32);
  }
  return next++;
}

size_t Utf8Length(char32_t cp) {
  if (cp < 0x80) return 1;
  if (cp < 0x800) return 2;
  if (cp < 0x10000) return 3;
  return 4;
}

}  // namespace

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

Row::Row(int width, Color bg)
    : cells_(static_cast<size_t>(width), Cell::Blank(bg)), gen_(NextGen()) {
  used_ = bg == kDefaultColor ? 0 : width;
}

void Row::Touch() { gen_ = NextGen(); }

std::string Row::CellText(int col) const {
  std::string out;
  AppendCellText(col, &out);
  return out;
}

void Row::AppendCellText(int col, std::string* out) const {
  const Cell& c = cell(col);
  if (c.is_cluster()) {
    out->append(clusters_[c.cluster_index()]);
  } else if (!c.empty()) {
    AppendUtf8(c.code_point(), out);
  }
}

void Row::SetCellText(int col, std::string_view text) {
  Cell& c = mutable_cell(col);
  // A single code point is stored inline.
  if (!text.empty()) {
    unsigned char b = static_cast<unsigned char>(text[0]);
    size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    if (len == text.size()) {
      char32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
      for (size_t i = 1; i < len; ++i) {
        cp = (cp << 6) | (static_cast<unsigned char>(text[i]) & 0x3F);
      }
      c.set_code_point(cp);
      return;
    }
  }
  c.set_cluster_index(AddCluster(std::string(text)));
}

void Row::AppendCombining(int col, char32_t cp) {
  const Cell& c = cell(col);
  if (c.empty()) {
    mutable_cell(col).set_code_point(cp);
    return;
  }
  std::string text = CellText(col);
  if (text.size() + Utf8Length(cp) > kMaxCellBytes) return;
  AppendUtf8(cp, &text);
  mutable_cell(col).set_cluster_index(AddCluster(std::move(text)));
}

uint32_t Row::AddCluster(std::string text) {
  if (clusters_.size() >= cells_.size() * 2 + 8) CompactClusters();
  clusters_.push_back(std::move(text));
  return static_cast<uint32_t>(clusters_.size() - 1);
}

void Row::CompactClusters() {
  std::vector<std::string> kept;
  for (Cell& c : cells_) {
    if (c.is_cluster()) {
      kept.push_back(std::move(clusters_[c.cluster_index()]));
      c.set_cluster_index(static_cast<uint32_t>(kept.size() - 1));
    }
  }
  clusters_ = std::move(kept);
}

bool Row::CellEquals(int col, const Row& other, int other_col) const {
  const Cell& a = cell(col);
  const Cell& b = other.cell(other_col);
  if (!(a.rend == b.rend)) return false;
  if (!a.is_cluster() && !b.is_cluster()) return a.raw_bits() == b.raw_bits();
  if ((a.raw_bits() & Cell::kFlagMask) != (b.raw_bits() & Cell::kFlagMask)) return false;
  return clusters_[a.cluster_index()] == other.clusters_[b.cluster_index()];
}

void Row::Reset(Color bg) {
  if (bg == kDefaultColor) {
    // Same as filling with Cell(), whose bytes are all zero (code point 0,
    // no flags, kDefaultColor == 0, no attributes, no link); memset is much
    // faster than an element-by-element fill.
    static_assert(kDefaultColor == 0 && std::is_trivially_copyable_v<Cell>);
    std::memset(static_cast<void*>(cells_.data()), 0, static_cast<size_t>(used_) * sizeof(Cell));
    used_ = 0;
  } else {
    std::fill(cells_.begin(), cells_.end(), Cell::Blank(bg));
    used_ = width();
  }
  plain_ascii_ = 0;
  clusters_.clear();
  wrap_ = false;
}

void Row::ResetRange(int begin, int end, Color bg) {
  begin = std::max(begin, 0);
  end = std::min(end, width());
  if (begin >= end) return;
  if (end == width()) wrap_ = false;
  plain_ascii_ = std::min(plain_ascii_, begin);
  if (bg == kDefaultColor) {
    int stop = std::min(end, used_);
    if (begin < stop) std::fill(cells_.begin() + begin, cells_.begin() + stop, Cell());
    if (end >= used_ && begin < used_) used_ = begin;
  } else {
    std::fill(cells_.begin() + begin, cells_.begin() + end, Cell::Blank(bg));
    NoteUsed(end);
  }
}

void Row::InsertCells(int col, int n, Color bg) {
  int w = width();
  wrap_ = false;
  if (col < 0 || col >= w || n <= 0) return;
  plain_ascii_ = std::min(plain_ascii_, col);
  n = std::min(n, w - col);
  std::move_backward(cells_.begin() + col, cells_.end() - n, cells_.end());
  std::fill(cells_.begin() + col, cells_.begin() + col + n, Cell::Blank(bg));
  used_ = std::min(w, used_ + n);
  if (bg != kDefaultColor) NoteUsed(col + n);
}

void Row::DeleteCells(int col, int n, Color bg) {
  int w = width();
  wrap_ = false;
  if (col < 0 || col >= w || n <= 0) return;
  plain_ascii_ = std::min(plain_ascii_, col);
  n = std::min(n, w - col);
  std::move(cells_.begin() + col + n, cells_.end(), cells_.begin() + col);
  std::fill(cells_.end() - n, cells_.end(), Cell::Blank(bg));
  if (bg != kDefaultColor) used_ = w;
}

void Row::Resize(int new_width, Color bg) {
  cells_.resize(static_cast<size_t>(new_width), Cell::Blank(bg));
  wrap_ = false;
  plain_ascii_ = std::min(plain_ascii_, new_width);
  if (bg != kDefaultColor) {
    used_ = new_width;
  } else {
    used_ = std::min(used_, new_width);
  }
}

bool Row::operator==(const Row& other) const {
  if (wrap_ != other.wrap_ || width() != other.width()) return false;
  for (int i = 0; i < width(); ++i) {
    if (!CellEquals(i, other, i)) return false;
  }
  return true;
}

}  // namespace roam::term
