// Framebuffer: rows (copy-on-write, in a ring), draw state, title,
// clipboard, bell and hyperlinks (see framebuffer.h).

#include "term/framebuffer.h"

#include <algorithm>
#include <utility>

#include "base/check.h"
#include "term/scrollback.h"

namespace roam::term {
namespace {

void InitTabs(DrawState* ds, int from) {
  for (int i = from; i < ds->width; ++i) ds->tabs[static_cast<size_t>(i)] = (i % 8) == 0;
}

}  // namespace

Framebuffer::Framebuffer(int width, int height) {
  ROAM_CHECK(width >= 1 && height >= 1);
  ds_.width = width;
  ds_.height = height;
  ds_.scroll_top = 0;
  ds_.scroll_bottom = height - 1;
  ds_.tabs.assign(static_cast<size_t>(width), false);
  InitTabs(&ds_, 0);
  rows_.reserve(static_cast<size_t>(height));
  inactive_rows_.reserve(static_cast<size_t>(height));
  for (int r = 0; r < height; ++r) {
    rows_.push_back(std::make_shared<Row>(width, kDefaultColor));
    inactive_rows_.push_back(std::make_shared<Row>(width, kDefaultColor));
  }
}

void Framebuffer::Unshare(RowPtr* p) { *p = std::make_shared<Row>(**p); }

RowPtr Framebuffer::BlankRow(RowPtr recycled, Color bg) const {
  if (recycled && recycled.use_count() == 1 && recycled->width() == ds_.width) {
    recycled->Reset(bg);
    recycled->Touch();
    return recycled;
  }
  return std::make_shared<Row>(ds_.width, bg);
}

void Framebuffer::DeleteLines(int row, int n, int top, int bottom, Color bg,
                              Scrollback* scrollback) {
  if (row < top || row > bottom || n <= 0) return;
  n = std::min(n, bottom + 1 - row);
  const int h = ds_.height;
  if (row == 0 && bottom == h - 1) {
    for (int i = 0; i < n; ++i) ScrollUp(bg, scrollback);
    return;
  }
  std::vector<RowPtr> removed;
  removed.reserve(static_cast<size_t>(n));
  for (int r = row; r < row + n; ++r) {
    RowPtr& slot = rows_[Index(r)];
    if (scrollback != nullptr) scrollback->Push(*slot);
    removed.push_back(std::move(slot));
  }
  for (int r = row; r + n <= bottom; ++r) rows_[Index(r)] = std::move(rows_[Index(r + n)]);
  for (int i = 0; i < n; ++i) {
    rows_[Index(bottom - n + 1 + i)] = BlankRow(std::move(removed[static_cast<size_t>(i)]), bg);
  }
}

void Framebuffer::ScrollUp(Color bg, Scrollback* scrollback) {
  // Rotate the ring. The row leaving the top is blanked in place and
  // becomes the new bottom row; this is BlankRow() without moving the
  // pointer out and back (same recycle condition).
  RowPtr& slot = rows_[static_cast<size_t>(top_)];
  if (scrollback != nullptr) scrollback->Push(*slot);
  if (slot.use_count() == 1 && slot->width() == ds_.width) {
    slot->Reset(bg);
    slot->Touch();
  } else {
    slot = std::make_shared<Row>(ds_.width, bg);
  }
  top_ = top_ + 1 == ds_.height ? 0 : top_ + 1;
}

void Framebuffer::InsertLines(int row, int n, int top, int bottom, Color bg) {
  if (row < top || row > bottom || n <= 0) return;
  n = std::min(n, bottom + 1 - row);
  std::vector<RowPtr> removed;
  removed.reserve(static_cast<size_t>(n));
  for (int r = bottom - n + 1; r <= bottom; ++r) removed.push_back(std::move(rows_[Index(r)]));
  for (int r = bottom; r - n >= row; --r) rows_[Index(r)] = std::move(rows_[Index(r - n)]);
  for (int i = 0; i < n; ++i) {
    rows_[Index(row + i)] = BlankRow(std::move(removed[static_cast<size_t>(i)]), bg);
  }
}

void Framebuffer::ClearScreen(Color bg) {
  for (int r = 0; r < ds_.height; ++r) MutableRow(r)->Reset(bg);
}

void Framebuffer::Normalize() {
  if (top_ == 0) return;
  std::rotate(rows_.begin(), rows_.begin() + top_, rows_.end());
  top_ = 0;
}

void Framebuffer::SwapScreens() {
  Normalize();
  std::swap(rows_, inactive_rows_);
}

void Framebuffer::Resize(int width, int height) {
  ROAM_CHECK(width >= 1 && height >= 1);
  Normalize();
  const int old_width = ds_.width;
  const int old_height = ds_.height;
  const Color bg = ds_.rend.bg;
  DrawState& ds = ds_;
  if (width != old_width || height != old_height) {
    ds.scroll_top = 0;
    ds.scroll_bottom = height - 1;
  }
  ds.tabs.resize(static_cast<size_t>(width), false);
  ds.width = width;
  ds.height = height;
  if (ds.default_tabs) InitTabs(&ds, old_width);
  ds.cursor_row = std::clamp(ds.cursor_row, ds.LimitTop(), ds.LimitBottom());
  ds.cursor_col = std::clamp(ds.cursor_col, 0, width - 1);
  if (ds.combining_col >= width || ds.combining_row >= height) {
    ds.combining_col = -1;
    ds.combining_row = -1;
  }
  for (std::vector<RowPtr>* screen : {&rows_, &inactive_rows_}) {
    if (width != old_width) {
      for (RowPtr& p : *screen) {
        if (p.use_count() != 1) p = std::make_shared<Row>(*p);
        p->Touch();
        p->Resize(width, bg);
      }
    }
    if (height != old_height) {
      screen->resize(static_cast<size_t>(height));
      for (int r = old_height; r < height; ++r) {
        (*screen)[static_cast<size_t>(r)] = std::make_shared<Row>(width, bg);
      }
    }
  }
}

const std::vector<Hyperlink>& Framebuffer::links() const {
  static const std::vector<Hyperlink> kNone;
  return links_ ? links_->links() : kNone;
}

uint16_t Framebuffer::InternLink(const Hyperlink& link) {
  if (!links_) {
    links_ = std::make_shared<LinkTable>();
  } else if (links_.use_count() != 1) {
    // Shared with a copy of this frame: clone only to add a new link.
    if (uint16_t held = links_->Find(link)) return held;
    if (!links_->CanAdd(link)) return 0;
    links_ = std::make_shared<LinkTable>(*links_);
  }
  return links_->Intern(link);
}

void Framebuffer::set_links(std::vector<Hyperlink> links) {
  if (links.empty()) {
    links_.reset();
    return;
  }
  auto table = std::make_shared<LinkTable>();
  table->Assign(std::move(links));
  links_ = std::move(table);
}

bool Framebuffer::operator==(const Framebuffer& o) const {
  const DrawState& a = ds_;
  const DrawState& b = o.ds_;
  if (a.width != b.width || a.height != b.height) return false;
  if (a.cursor_row != b.cursor_row || a.cursor_col != b.cursor_col ||
      a.cursor_visible != b.cursor_visible || !(a.rend == b.rend) ||
      a.reverse_video != b.reverse_video || a.bracketed_paste != b.bracketed_paste ||
      a.mouse_reporting != b.mouse_reporting || a.mouse_focus_events != b.mouse_focus_events ||
      a.mouse_encoding != b.mouse_encoding ||
      a.mouse_alternate_scroll != b.mouse_alternate_scroll) {
    return false;
  }
  if (title_ != o.title_ || clipboard_ != o.clipboard_ || bell_count_ != o.bell_count_) {
    return false;
  }
  for (int r = 0; r < a.height; ++r) {
    const RowPtr& x = row_ptr(r);
    const RowPtr& y = o.row_ptr(r);
    if (x != y && !(*x == *y)) return false;
  }
  return true;
}

}  // namespace roam::term
