// CellGrid: building grids from a framebuffer or a tmux capture, and
// describing their differences (see cell_grid.h).

#include "interop/display/cell_grid.h"

#include <charconv>
#include <cstdio>
#include <sstream>

#include "term/display.h"
#include "term/row.h"
#include "term/unicode_width.h"

namespace roam::interop {

namespace {

constexpr uint16_t kFaintBit = 1 << 0;
constexpr uint16_t kStrikeBit = 1 << 1;
constexpr uint16_t kOverlineBit = 1 << 2;
constexpr uint16_t kRapidBlinkBit = 1 << 3;

// Decodes one UTF-8 character at s[*i]; advances *i. False when malformed.
bool DecodeUtf8(std::string_view s, size_t* i, char32_t* cp) {
  const auto b0 = static_cast<unsigned char>(s[*i]);
  int need = 0;
  char32_t v = 0;
  if (b0 < 0x80) {
    v = b0;
  } else if ((b0 & 0xE0) == 0xC0) {
    need = 1;
    v = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    need = 2;
    v = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    need = 3;
    v = b0 & 0x07;
  } else {
    return false;
  }
  if (*i + static_cast<size_t>(need) >= s.size()) return false;
  for (int k = 1; k <= need; ++k) {
    const auto b = static_cast<unsigned char>(s[*i + static_cast<size_t>(k)]);
    if ((b & 0xC0) != 0x80) return false;
    v = (v << 6) | (b & 0x3F);
  }
  *i += static_cast<size_t>(need) + 1;
  *cp = v;
  return true;
}

// Parses a decimal number; false if `s` is not one.
bool ParseNumber(std::string_view s, int* out) {
  if (s.empty()) {
    *out = 0;
    return true;
  }
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t p = s.find(sep, start);
    parts.push_back(
        s.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start));
    if (p == std::string_view::npos) return parts;
    start = p + 1;
  }
}

// The SGR state a capture carries from cell to cell.
struct Pen {
  term::Color fg = term::kDefaultColor;
  term::Color bg = term::kDefaultColor;
  uint16_t attrs = 0;
  uint16_t other = 0;
};

// Reads an extended colour (38/48 forms) starting at params[*i] (the 38 or
// 48 itself), in either ';' or ':' form. Advances *i past it.
bool ExtendedColor(const std::vector<std::string_view>& params, size_t* i, term::Color* out) {
  std::vector<std::string_view> sub = Split(params[*i], ':');
  std::vector<int> values;
  if (sub.size() > 1) {
    // Colon form: 38:5:n, 38:2:r:g:b or 38:2:<colour space>:r:g:b.
    for (size_t k = 1; k < sub.size(); ++k) {
      int v = 0;
      if (!ParseNumber(sub[k], &v)) return false;
      values.push_back(v);
    }
    if (!values.empty() && values[0] == 2 && values.size() == 5) values.erase(values.begin() + 1);
    ++*i;
  } else {
    int mode = 0;
    if (*i + 1 >= params.size() || !ParseNumber(params[*i + 1], &mode)) return false;
    values.push_back(mode);
    const size_t count = mode == 5 ? 1 : mode == 2 ? 3 : 0;
    if (count == 0 || *i + 1 + count >= params.size()) return false;
    for (size_t k = 0; k < count; ++k) {
      int v = 0;
      if (!ParseNumber(params[*i + 2 + k], &v)) return false;
      values.push_back(v);
    }
    *i += 2 + count;
  }
  if (values.size() == 2 && values[0] == 5 && values[1] >= 0 && values[1] <= 255) {
    *out = term::PaletteColor(values[1]);
    return true;
  }
  if (values.size() == 4 && values[0] == 2) {
    *out = term::TrueColor(static_cast<uint32_t>(values[1]), static_cast<uint32_t>(values[2]),
                           static_cast<uint32_t>(values[3]));
    return true;
  }
  return false;
}

bool ApplySgr(std::string_view body, Pen* pen, std::string* error) {
  std::vector<std::string_view> params = Split(body, ';');
  size_t i = 0;
  while (i < params.size()) {
    std::vector<std::string_view> sub = Split(params[i], ':');
    int p = 0;
    if (!ParseNumber(sub[0], &p)) {
      *error = "bad SGR parameter '" + std::string(params[i]) + "'";
      return false;
    }
    if (p == 38 || p == 48) {
      term::Color c = 0;
      if (!ExtendedColor(params, &i, &c)) {
        *error = "bad extended colour in SGR '" + std::string(body) + "'";
        return false;
      }
      (p == 38 ? pen->fg : pen->bg) = c;
      continue;
    }
    if (p == 58) {
      // Underline colour: a Mosh client never sends it; mark it.
      term::Color c = 0;
      if (!ExtendedColor(params, &i, &c)) {
        *error = "bad underline colour in SGR '" + std::string(body) + "'";
        return false;
      }
      pen->other |= 1 << 8;
      continue;
    }
    ++i;
    switch (p) {
      case 0:
        *pen = Pen();
        break;
      case 1:
        pen->attrs |= term::kBold;
        break;
      case 2:
        pen->other |= kFaintBit;
        break;
      case 3:
        pen->attrs |= term::kItalic;
        break;
      case 4: {
        int style = 1;
        if (sub.size() > 1 && !ParseNumber(sub[1], &style)) {
          *error = "bad underline style in SGR '" + std::string(body) + "'";
          return false;
        }
        if (style == 0) {
          pen->attrs &= static_cast<uint16_t>(~kUnderlineBit);
        } else {
          pen->attrs |= kUnderlineBit;
        }
        break;
      }
      case 5:
        pen->attrs |= term::kBlink;
        break;
      case 6:
        pen->other |= kRapidBlinkBit;
        break;
      case 7:
        pen->attrs |= term::kInverse;
        break;
      case 8:
        pen->attrs |= term::kInvisible;
        break;
      case 9:
        pen->other |= kStrikeBit;
        break;
      case 21:
        pen->attrs |= kUnderlineBit;
        break;
      case 22:
        pen->attrs &= static_cast<uint16_t>(~term::kBold);
        pen->other &= static_cast<uint16_t>(~kFaintBit);
        break;
      case 23:
        pen->attrs &= static_cast<uint16_t>(~term::kItalic);
        break;
      case 24:
        pen->attrs &= static_cast<uint16_t>(~kUnderlineBit);
        break;
      case 25:
        pen->attrs &= static_cast<uint16_t>(~term::kBlink);
        pen->other &= static_cast<uint16_t>(~kRapidBlinkBit);
        break;
      case 27:
        pen->attrs &= static_cast<uint16_t>(~term::kInverse);
        break;
      case 28:
        pen->attrs &= static_cast<uint16_t>(~term::kInvisible);
        break;
      case 29:
        pen->other &= static_cast<uint16_t>(~kStrikeBit);
        break;
      case 39:
        pen->fg = term::kDefaultColor;
        break;
      case 49:
        pen->bg = term::kDefaultColor;
        break;
      case 53:
        pen->other |= kOverlineBit;
        break;
      case 55:
        pen->other &= static_cast<uint16_t>(~kOverlineBit);
        break;
      case 59:
        pen->other &= static_cast<uint16_t>(~(1 << 8));
        break;
      default:
        if (p >= 30 && p <= 37) {
          pen->fg = term::PaletteColor(p - 30);
        } else if (p >= 40 && p <= 47) {
          pen->bg = term::PaletteColor(p - 40);
        } else if (p >= 90 && p <= 97) {
          pen->fg = term::PaletteColor(p - 90 + 8);
        } else if (p >= 100 && p <= 107) {
          pen->bg = term::PaletteColor(p - 100 + 8);
        } else {
          *error = "unexpected SGR parameter " + std::to_string(p);
          return false;
        }
    }
  }
  return true;
}

std::string ColorName(term::Color c) {
  if (c == term::kDefaultColor) return "default";
  char buf[32];
  if (term::IsPaletteColor(c)) {
    std::snprintf(buf, sizeof buf, "%d", term::PaletteIndex(c));
  } else if (term::IsTrueColor(c)) {
    std::snprintf(buf, sizeof buf, "#%06x", term::TrueColorRgb(c));
  } else {
    std::snprintf(buf, sizeof buf, "?%x", c);
  }
  return buf;
}

// Non-printable and non-ASCII bytes of `s` escaped, for one-line dumps.
std::string Printable(const std::string& s) {
  std::string out;
  for (char ch : s) {
    const auto b = static_cast<unsigned char>(ch);
    if (b < 0x20 || b == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", b);
      out += buf;
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

}  // namespace

bool CellsMatch(const GridCell& expected, const GridCell& actual) {
  if (actual.attrs_reported && expected.attrs_reported) return expected == actual;
  return expected.text == actual.text && expected.continuation == actual.continuation;
}

bool CellGrid::Matches(const CellGrid& actual) const {
  if (cols_ != actual.cols_ || rows() != actual.rows()) return false;
  for (int r = 0; r < rows(); ++r) {
    for (int c = 0; c < cols_; ++c) {
      if (!CellsMatch(at(r, c), actual.at(r, c))) return false;
    }
  }
  return true;
}

CellGrid::CellGrid(int cols, int rows)
    : cols_(cols),
      cells_(static_cast<size_t>(rows), std::vector<GridCell>(static_cast<size_t>(cols))) {}

CellGrid CellGrid::FromFramebuffer(const term::Framebuffer& fb) {
  static const term::Display server(term::DisplayCapabilities::Server());
  CellGrid grid(fb.width(), fb.height());
  for (int r = 0; r < fb.height(); ++r) {
    const term::Row& row = fb.row(r);
    int c = 0;
    while (c < fb.width()) {
      const term::Cell& cell = row.cell(c);
      GridCell& out = grid.at(r, c);
      if (cell.empty()) {
        out.text = " ";
      } else {
        out.text = row.CellText(c);
        if (cell.fallback()) out.text = "\xc2\xa0" + out.text;
      }
      const term::Rendition v = server.Visible(cell.rend);
      out.fg = v.fg;
      out.bg = v.bg;
      out.attrs = static_cast<uint16_t>(v.attrs & (term::kBold | term::kItalic | term::kBlink |
                                                   term::kInverse | term::kInvisible));
      if (v.underline() != term::Underline::kNone) out.attrs |= kUnderlineBit;
      if (cell.wide() && !cell.empty()) {
        if (c + 1 < fb.width()) {
          GridCell cont;
          cont.text.clear();
          cont.continuation = true;
          grid.at(r, c + 1) = cont;
        }
        c += 2;
      } else {
        c += 1;
      }
    }
  }
  return grid;
}

bool CellGrid::FromTmuxCapture(std::string_view capture, int cols, int rows, CellGrid* out,
                               std::string* error) {
  *out = CellGrid(cols, rows);
  Pen pen;
  int r = 0;
  int c = 0;
  size_t i = 0;
  // The last cell written on this row (for combining characters).
  int last_col = -1;
  while (i < capture.size()) {
    const char ch = capture[i];
    if (ch == '\n') {
      for (int k = c; k < cols && r < rows; ++k) out->at(r, k).attrs_reported = false;
      ++r;
      c = 0;
      last_col = -1;
      ++i;
      if (r > rows) {
        *error = "more than " + std::to_string(rows) + " rows";
        return false;
      }
      continue;
    }
    if (r >= rows) {
      *error = "text after row " + std::to_string(rows);
      return false;
    }
    if (ch == '\x1b') {
      if (i + 1 < capture.size() && capture[i + 1] == '[') {
        size_t end = i + 2;
        while (end < capture.size() && ((capture[end] >= '0' && capture[end] <= '9') ||
                                        capture[end] == ';' || capture[end] == ':')) {
          ++end;
        }
        if (end < capture.size() && capture[end] == 'm') {
          if (!ApplySgr(capture.substr(i + 2, end - i - 2), &pen, error)) return false;
          i = end + 1;
          continue;
        }
      }
      *error = "unexpected escape sequence on row " + std::to_string(r) + ": " +
               Printable(std::string(capture.substr(i, 12)));
      return false;
    }
    char32_t cp = 0;
    const size_t start = i;
    if (!DecodeUtf8(capture, &i, &cp)) {
      *error = "invalid UTF-8 on row " + std::to_string(r);
      return false;
    }
    const std::string_view text = capture.substr(start, i - start);
    const int width = term::CharWidth(cp);
    if (width == 0) {
      if (last_col < 0) {
        *error = "combining character at the start of row " + std::to_string(r);
        return false;
      }
      out->at(r, last_col).text += text;
      continue;
    }
    if (width < 0) {
      *error = "unprintable character U+" + std::to_string(static_cast<uint32_t>(cp)) + " on row " +
               std::to_string(r);
      return false;
    }
    if (c >= cols) {
      *error = "row " + std::to_string(r) + " is wider than " + std::to_string(cols) + " columns";
      return false;
    }
    GridCell& cell = out->at(r, c);
    cell.text = std::string(text);
    cell.fg = pen.fg;
    cell.bg = pen.bg;
    cell.attrs = pen.attrs;
    cell.other_attrs = pen.other;
    last_col = c;
    if (width == 2 && c + 1 < cols) {
      GridCell cont;
      cont.text.clear();
      cont.continuation = true;
      out->at(r, c + 1) = cont;
    }
    c += width;
  }
  if (r != rows) {
    *error = "capture has " + std::to_string(r) + " rows, expected " + std::to_string(rows);
    return false;
  }
  return true;
}

std::string CellGrid::Text() const {
  std::string out;
  for (int r = 0; r < rows(); ++r) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%2d |", r);
    out += buf;
    for (int c = 0; c < cols_; ++c) out += at(r, c).text;
    out += "|\n";
  }
  return out;
}

std::string DescribeCell(const GridCell& cell) {
  if (cell.continuation) return "(right half of a wide character)";
  if (!cell.attrs_reported) return "'" + Printable(cell.text) + "' (attributes not reported)";
  std::string s =
      "'" + Printable(cell.text) + "' fg=" + ColorName(cell.fg) + " bg=" + ColorName(cell.bg);
  if (cell.attrs & term::kBold) s += " bold";
  if (cell.attrs & term::kItalic) s += " italic";
  if (cell.attrs & kUnderlineBit) s += " underline";
  if (cell.attrs & term::kBlink) s += " blink";
  if (cell.attrs & term::kInverse) s += " inverse";
  if (cell.attrs & term::kInvisible) s += " invisible";
  if (cell.other_attrs & kFaintBit) s += " FAINT";
  if (cell.other_attrs & kStrikeBit) s += " STRIKE";
  if (cell.other_attrs & kOverlineBit) s += " OVERLINE";
  if (cell.other_attrs & kRapidBlinkBit) s += " RAPID-BLINK";
  if (cell.other_attrs & (1 << 8)) s += " UNDERLINE-COLOUR";
  return s;
}

std::string CellGrid::DescribeRow(int row) const {
  std::ostringstream out;
  const GridCell* run = nullptr;
  int run_start = 0;
  auto flush = [&](int end) {
    if (run == nullptr) return;
    GridCell plain = *run;
    plain.text = "";
    out << "  cols " << run_start << "-" << end - 1 << ": " << DescribeCell(plain) << "\n";
  };
  for (int c = 0; c < cols_; ++c) {
    const GridCell& cell = at(row, c);
    if (cell.continuation) continue;
    if (run == nullptr || run->fg != cell.fg || run->bg != cell.bg || run->attrs != cell.attrs ||
        run->other_attrs != cell.other_attrs || run->attrs_reported != cell.attrs_reported) {
      flush(c);
      run = &cell;
      run_start = c;
    }
  }
  flush(cols_);
  return out.str();
}

std::string DescribeGridDifference(const CellGrid& expected, const CellGrid& actual,
                                   int max_cells) {
  if (expected.Matches(actual)) return "";
  std::ostringstream out;
  if (expected.cols() != actual.cols() || expected.rows() != actual.rows()) {
    out << "size differs: expected " << expected.cols() << "x" << expected.rows() << ", got "
        << actual.cols() << "x" << actual.rows() << "\n";
    return out.str();
  }
  int shown = 0;
  int total = 0;
  for (int r = 0; r < expected.rows(); ++r) {
    for (int c = 0; c < expected.cols(); ++c) {
      if (CellsMatch(expected.at(r, c), actual.at(r, c))) continue;
      ++total;
      if (shown < max_cells) {
        ++shown;
        out << "row " << r << " col " << c << ": expected " << DescribeCell(expected.at(r, c))
            << "\n              got      " << DescribeCell(actual.at(r, c)) << "\n";
      }
    }
  }
  if (total > shown) out << "... and " << total - shown << " more differing cells\n";
  for (int r = 0; r < expected.rows(); ++r) {
    bool differs = false;
    for (int c = 0; c < expected.cols(); ++c) {
      differs = differs || !CellsMatch(expected.at(r, c), actual.at(r, c));
    }
    if (!differs) continue;
    out << "row " << r << " attributes expected:\n"
        << expected.DescribeRow(r) << "row " << r << " attributes shown:\n"
        << actual.DescribeRow(r);
  }
  out << "expected screen (roam's emulator):\n" << expected.Text();
  out << "screen shown by mosh-client (tmux capture):\n" << actual.Text();
  return out.str();
}

}  // namespace roam::interop
