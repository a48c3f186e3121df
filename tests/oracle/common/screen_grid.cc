#include "oracle/common/screen_grid.h"

namespace roam::oracle {

ScreenGrid ScreenGrid::Blank(int cols, int rows) {
  ScreenGrid g;
  g.cols = cols;
  g.rows = rows;
  g.cells.assign(static_cast<size_t>(rows), std::vector<GridCell>(static_cast<size_t>(cols)));
  return g;
}

std::string ScreenGrid::Line(int r) const {
  std::string out;
  for (const GridCell& c : cells[static_cast<size_t>(r)]) {
    if (c.width == 0) continue;
    out += c.text.empty() ? std::string(" ") : c.text;
  }
  size_t end = out.find_last_not_of(' ');
  out.resize(end == std::string::npos ? 0 : end + 1);
  return out;
}

std::vector<std::string> ScreenGrid::Lines() const {
  std::vector<std::string> lines;
  for (int r = 0; r < rows; ++r) lines.push_back(Line(r));
  return lines;
}

std::string ScreenGrid::Text() const {
  std::string out;
  for (int r = 0; r < rows; ++r) {
    if (r > 0) out += '\n';
    out += Line(r);
  }
  return out;
}

char32_t DecodeUtf8(const std::string& s, size_t* pos) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char b0 = byte(*pos);
  int extra = 0;
  char32_t cp = 0;
  if (b0 < 0x80) {
    ++*pos;
    return b0;
  } else if ((b0 & 0xE0) == 0xC0) {
    extra = 1;
    cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    extra = 2;
    cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    extra = 3;
    cp = b0 & 0x07;
  } else {
    ++*pos;
    return 0xFFFD;
  }
  if (*pos + static_cast<size_t>(extra) >= s.size()) {
    ++*pos;
    return 0xFFFD;
  }
  for (int i = 1; i <= extra; ++i) {
    unsigned char b = byte(*pos + static_cast<size_t>(i));
    if ((b & 0xC0) != 0x80) {
      ++*pos;
      return 0xFFFD;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  *pos += static_cast<size_t>(extra) + 1;
  return cp;
}

}  // namespace roam::oracle
