// roam-termreplay: feeds a file of terminal output through roam's emulator
// and prints the final screen, for debugging emulation differences and
// measuring throughput.
//
//   roam-termreplay [--cols N] [--rows N] [--attrs] FILE
//
// Prints one line per screen row (trailing blanks trimmed) on stdout; with
// --attrs also the cursor and, per row, the runs of non-default attributes.
// The throughput goes to stderr. FILE "-" reads standard input.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "term/emulator.h"

namespace {

using roam::term::Cell;
using roam::term::Emulator;
using roam::term::Framebuffer;
using roam::term::Rendition;
using roam::term::Row;

int Usage() {
  std::fprintf(stderr, "usage: roam-termreplay [--cols N] [--rows N] [--attrs] FILE\n");
  return 2;
}

bool ParseDimension(const char* s, int* out) {
  char* end = nullptr;
  long v = std::strtol(s, &end, 10);
  if (end == s || *end != '\0' || v < 1 || v > Emulator::kMaxDimension) return false;
  *out = static_cast<int>(v);
  return true;
}

std::string RowText(const Row& row) {
  std::string out;
  for (int c = 0; c < row.width(); ++c) {
    if (row.cell(c).empty()) {
      if (c > 0 && row.cell(c - 1).wide()) continue;
      out.push_back(' ');
    } else {
      row.AppendCellText(c, &out);
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string ColorName(roam::term::Color c) {
  if (c == roam::term::kDefaultColor) return "default";
  if (roam::term::IsTrueColor(c)) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "#%06x", roam::term::TrueColorRgb(c));
    return buf;
  }
  return std::to_string(roam::term::PaletteIndex(c));
}

std::string Describe(const Rendition& r) {
  std::string out;
  auto add = [&](const std::string& s) {
    if (!out.empty()) out += ' ';
    out += s;
  };
  if (r.Has(roam::term::kBold)) add("bold");
  if (r.Has(roam::term::kFaint)) add("faint");
  if (r.Has(roam::term::kItalic)) add("italic");
  if (r.underline() != roam::term::Underline::kNone) {
    add("underline=" + std::to_string(static_cast<int>(r.underline())));
  }
  if (r.Has(roam::term::kBlink)) add("blink");
  if (r.Has(roam::term::kInverse)) add("inverse");
  if (r.Has(roam::term::kInvisible)) add("invisible");
  if (r.Has(roam::term::kStrikethrough)) add("strike");
  if (r.fg != roam::term::kDefaultColor) add("fg=" + ColorName(r.fg));
  if (r.bg != roam::term::kDefaultColor) add("bg=" + ColorName(r.bg));
  if (r.link != 0) add("link=" + std::to_string(r.link));
  return out;
}

void PrintAttributes(const Framebuffer& fb) {
  const auto& ds = fb.ds();
  std::printf("cursor %d,%d%s%s\n", ds.cursor_row, ds.cursor_col,
              ds.next_print_will_wrap ? " pending-wrap" : "", ds.cursor_visible ? "" : " hidden");
  for (int r = 0; r < fb.height(); ++r) {
    const Row& row = fb.row(r);
    for (int c = 0; c < row.width();) {
      const Rendition& rend = row.cell(c).rend;
      int end = c + 1;
      while (end < row.width() && row.cell(end).rend == rend) ++end;
      if (!rend.IsDefault())
        std::printf("row %d cols %d-%d %s\n", r, c, end - 1, Describe(rend).c_str());
      c = end;
    }
    if (row.wrap()) std::printf("row %d wrapped\n", r);
  }
}

}  // namespace

int main(int argc, char** argv) {
  int cols = 80;
  int rows = 24;
  bool attrs = false;
  const char* path = nullptr;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--cols") == 0 && i + 1 < argc) {
      if (!ParseDimension(argv[++i], &cols)) return Usage();
    } else if (std::strcmp(argv[i], "--rows") == 0 && i + 1 < argc) {
      if (!ParseDimension(argv[++i], &rows)) return Usage();
    } else if (std::strcmp(argv[i], "--attrs") == 0) {
      attrs = true;
    } else if (path == nullptr && (argv[i][0] != '-' || std::strcmp(argv[i], "-") == 0)) {
      path = argv[i];
    } else {
      return Usage();
    }
  }
  if (path == nullptr) return Usage();

  std::string input;
  if (std::strcmp(path, "-") == 0) {
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    input = ss.str();
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "roam-termreplay: cannot read %s\n", path);
      return 1;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    input = ss.str();
  }

  Emulator emu(cols, rows);
  auto start = std::chrono::steady_clock::now();
  emu.Write(input);
  auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const Framebuffer& fb = emu.fb();
  for (int r = 0; r < fb.height(); ++r) std::printf("%s\n", RowText(fb.row(r)).c_str());
  if (attrs) PrintAttributes(fb);
  double mb = static_cast<double>(input.size()) / 1e6;
  std::fprintf(stderr, "roam-termreplay: %zu bytes in %.3f ms, %.1f MB/s\n", input.size(),
               elapsed * 1e3, elapsed > 0 ? mb / elapsed : 0.0);
  return 0;
}
