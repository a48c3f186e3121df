// ClientRecording: a client's terminal session as `script -B LOG -T TIMING`
// records it (the bytes typed into the client and the bytes the client
// wrote, each chunk with its time, on one clock), and a screen to replay
// it on: libvterm, an emulator independent of roam's own.

#ifndef ROAM_TESTS_E2E_PREDICTION_CLIENT_RECORDING_H_
#define ROAM_TESTS_E2E_PREDICTION_CLIENT_RECORDING_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct VTerm;
struct VTermScreen;
struct VTermState;

namespace roam::testing {

struct Chunk {
  char kind;  // 'I' typed into the client, 'O' written by the client
  double t;   // seconds since the recording started
  std::string bytes;
};

// Parses script's advanced timing file and its combined I/O log. A file
// that cannot be read gives fewer (or no) chunks.
std::vector<Chunk> ReadRecording(const std::string& log_path, const std::string& timing_path);

// Everything typed, in order.
std::string TypedBytes(const std::vector<Chunk>& chunks);

// A rows x cols UTF-8 screen fed with a client's output.
class ReplayScreen {
 public:
  ReplayScreen(int rows, int cols);
  ~ReplayScreen();
  ReplayScreen(const ReplayScreen&) = delete;
  ReplayScreen& operator=(const ReplayScreen&) = delete;

  void Write(std::string_view bytes);
  // The first code point of a cell; 0 for an empty cell or outside.
  uint32_t Cell(int row, int col) const;
  // (row, col) of the cursor.
  std::pair<int, int> Cursor() const;
  // How many cells show `ch`.
  int Count(uint32_t ch) const;

 private:
  int rows_;
  int cols_;
  VTerm* vt_;
  VTermScreen* screen_;
  VTermState* state_;
};

}  // namespace roam::testing

#endif  // ROAM_TESTS_E2E_PREDICTION_CLIENT_RECORDING_H_
