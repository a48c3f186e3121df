#include "oracle/common/grid_compare.h"

#include <algorithm>
#include <cstdio>

namespace roam::oracle {

namespace {

// Differences listed one by one before the report only shows the screens.
constexpr int kMaxListedCells = 12;

std::string DisplayText(const GridCell& c) { return c.text.empty() ? " " : c.text; }

// Number of terminal columns of a UTF-8 line, counting each code point as
// one column (enough to align the side-by-side report).
size_t Columns(const std::string& s) {
  size_t n = 0;
  for (unsigned char ch : s) {
    if ((ch & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string CellDescription(const GridCell& c) {
  char buf[96];
  std::snprintf(buf, sizeof(buf), "\"%s\" w%d attrs=%02x fg=%x bg=%x",
                Printable(c.text, 40).c_str(), c.width, c.attrs, static_cast<unsigned>(c.fg),
                static_cast<unsigned>(c.bg));
  return buf;
}

}  // namespace

std::string Printable(const std::string& bytes, size_t max_len) {
  std::string out;
  for (size_t i = 0; i < bytes.size() && out.size() < max_len; ++i) {
    unsigned char c = static_cast<unsigned char>(bytes[i]);
    if (c == 0x1b) {
      out += "\\e";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  if (out.size() >= max_len) out += "...";
  return out;
}

std::string SideBySide(const std::vector<std::string>& a, const std::string& a_name,
                       const std::vector<std::string>& b, const std::string& b_name,
                       const std::function<bool(int)>& skip_row,
                       const std::vector<bool>* differing_rows) {
  size_t width = a_name.size();
  for (const auto& l : a) width = std::max(width, Columns(l));
  size_t rows = std::max(a.size(), b.size());
  auto pad = [&](const std::string& s) { return s + std::string(width - Columns(s), ' '); };
  std::string out = "     " + pad(a_name) + " | " + b_name + "\n";
  for (size_t r = 0; r < rows; ++r) {
    std::string la = r < a.size() ? a[r] : "";
    std::string lb = r < b.size() ? b[r] : "";
    char mark = ' ';
    if (skip_row && skip_row(static_cast<int>(r))) {
      mark = '~';
    } else if (la != lb ||
               (differing_rows != nullptr && r < differing_rows->size() && (*differing_rows)[r])) {
      mark = '*';
    }
    char num[32];
    std::snprintf(num, sizeof(num), "%c%3zu ", mark, r);
    out += num + pad(la) + " | " + lb + "\n";
  }
  return out;
}

std::string CompareGrids(const ScreenGrid& a, const std::string& a_name, const ScreenGrid& b,
                         const std::string& b_name, const CompareOptions& options) {
  if (a.cols != b.cols || a.rows != b.rows) {
    char buf[160];
    std::snprintf(buf, sizeof(buf), "size differs: %s %dx%d, %s %dx%d\n", a_name.c_str(), a.cols,
                  a.rows, b_name.c_str(), b.cols, b.rows);
    return buf;
  }
  std::string list;
  int differing = 0;
  std::vector<bool> row_differs(static_cast<size_t>(a.rows), false);
  for (int r = 0; r < a.rows; ++r) {
    for (int c = 0; c < a.cols; ++c) {
      const GridCell& ca = a.cells[static_cast<size_t>(r)][static_cast<size_t>(c)];
      const GridCell& cb = b.cells[static_cast<size_t>(r)][static_cast<size_t>(c)];
      bool same = ca.width == cb.width && (ca.width == 0 || DisplayText(ca) == DisplayText(cb));
      if (options.attrs && ca.attrs != cb.attrs) same = false;
      if (options.colors && (ca.fg != cb.fg || ca.bg != cb.bg)) same = false;
      if (same) continue;
      if (options.excuse && options.excuse(r, c, ca, cb)) continue;
      row_differs[static_cast<size_t>(r)] = true;
      if (++differing <= kMaxListedCells) {
        char buf[48];
        std::snprintf(buf, sizeof(buf), "  cell (row %d, col %d): ", r, c);
        list += buf + a_name + " " + CellDescription(ca) + " vs " + b_name + " " +
                CellDescription(cb) + "\n";
      }
    }
  }
  bool cursor_differs =
      options.cursor && (a.cursor_row != b.cursor_row || a.cursor_col != b.cursor_col);
  if (differing == 0 && !cursor_differs) return "";
  std::string out;
  if (differing > 0) out += std::to_string(differing) + " differing cell(s):\n" + list;
  if (cursor_differs) {
    char buf[160];
    std::snprintf(buf, sizeof(buf), "cursor differs: %s (row %d, col %d), %s (row %d, col %d)\n",
                  a_name.c_str(), a.cursor_row, a.cursor_col, b_name.c_str(), b.cursor_row,
                  b.cursor_col);
    out += buf;
  }
  out += SideBySide(a.Lines(), a_name, b.Lines(), b_name, {}, &row_differs);
  return out;
}

TextScreen ToTextScreen(const ScreenGrid& grid) {
  TextScreen t;
  t.lines = grid.Lines();
  t.cursor_row = grid.cursor_row;
  t.cursor_col = grid.cursor_col;
  return t;
}

std::string CompareText(const TextScreen& a, const std::string& a_name, const TextScreen& b,
                        const std::string& b_name, bool cursor,
                        const std::function<bool(int)>& skip_row) {
  auto trimmed = [](std::string s) {
    size_t end = s.find_last_not_of(' ');
    s.resize(end == std::string::npos ? 0 : end + 1);
    return s;
  };
  std::vector<std::string> la, lb;
  for (const auto& l : a.lines) la.push_back(trimmed(l));
  for (const auto& l : b.lines) lb.push_back(trimmed(l));
  size_t rows = std::max(la.size(), lb.size());
  std::string list;
  for (size_t r = 0; r < rows; ++r) {
    if (skip_row && skip_row(static_cast<int>(r))) continue;
    std::string x = r < la.size() ? la[r] : "";
    std::string y = r < lb.size() ? lb[r] : "";
    if (x != y) list += "  row " + std::to_string(r) + " differs\n";
  }
  bool cursor_differs = cursor && (a.cursor_row != b.cursor_row || a.cursor_col != b.cursor_col);
  if (list.empty() && !cursor_differs) return "";
  std::string out = list;
  if (cursor_differs) {
    char buf[160];
    std::snprintf(buf, sizeof(buf), "cursor differs: %s (row %d, col %d), %s (row %d, col %d)\n",
                  a_name.c_str(), a.cursor_row, a.cursor_col, b_name.c_str(), b.cursor_row,
                  b.cursor_col);
    out += buf;
  }
  out += SideBySide(la, a_name, lb, b_name, skip_row);
  return out;
}

}  // namespace roam::oracle
