// Reading script's recordings and replaying them through libvterm.

#include "e2e/prediction/client_recording.h"

#include <vterm.h>

#include <fstream>
#include <iterator>
#include <sstream>

namespace roam::testing {

namespace {

void DiscardOutput(const char*, size_t, void*) {}

}  // namespace

std::vector<Chunk> ReadRecording(const std::string& log_path, const std::string& timing_path) {
  std::ifstream log(log_path, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  std::vector<Chunk> chunks;
  const size_t header_end = data.find('\n');
  if (header_end == std::string::npos) return chunks;
  size_t offset = header_end + 1;  // "Script started on ..." line
  std::ifstream timing(timing_path);
  std::string line;
  double t = 0;
  while (std::getline(timing, line)) {
    std::istringstream in(line);
    char kind = 0;
    double delay = 0;
    in >> kind >> delay;
    if (kind != 'I' && kind != 'O') {
      if (kind == 'S') t += delay;
      continue;
    }
    size_t n = 0;
    in >> n;
    t += delay;
    if (offset + n > data.size()) break;
    chunks.push_back({kind, t, data.substr(offset, n)});
    offset += n;
  }
  return chunks;
}

std::string TypedBytes(const std::vector<Chunk>& chunks) {
  std::string typed;
  for (const Chunk& c : chunks) {
    if (c.kind == 'I') typed += c.bytes;
  }
  return typed;
}

ReplayScreen::ReplayScreen(int rows, int cols)
    : rows_(rows), cols_(cols), vt_(vterm_new(rows, cols)) {
  vterm_set_utf8(vt_, 1);
  vterm_output_set_callback(vt_, DiscardOutput, nullptr);
  screen_ = vterm_obtain_screen(vt_);
  vterm_screen_reset(screen_, 1);
  state_ = vterm_obtain_state(vt_);
}

ReplayScreen::~ReplayScreen() { vterm_free(vt_); }

void ReplayScreen::Write(std::string_view bytes) {
  vterm_input_write(vt_, bytes.data(), bytes.size());
}

uint32_t ReplayScreen::Cell(int row, int col) const {
  VTermScreenCell cell;
  if (row < 0 || row >= rows_ || col < 0 || col >= cols_) return 0;
  if (!vterm_screen_get_cell(screen_, VTermPos{row, col}, &cell)) return 0;
  return cell.chars[0];
}

std::pair<int, int> ReplayScreen::Cursor() const {
  VTermPos cursor;
  vterm_state_get_cursorpos(state_, &cursor);
  return {cursor.row, cursor.col};
}

int ReplayScreen::Count(uint32_t ch) const {
  int n = 0;
  for (int r = 0; r < rows_; ++r) {
    for (int c = 0; c < cols_; ++c) n += Cell(r, c) == ch ? 1 : 0;
  }
  return n;
}

}  // namespace roam::testing
