// VtermModel: libvterm's screen layer as a TerminalModel, the independent
// reference of the differential tests.
//
// The terminal is created in UTF-8 mode with the alternate screen enabled;
// query replies written by libvterm are collected for TakeReplies(). Cell
// colours are reported the way libvterm stores them: default, palette
// index, or RGB.

#ifndef ROAM_TESTS_ORACLE_COMMON_VTERM_MODEL_H_
#define ROAM_TESTS_ORACLE_COMMON_VTERM_MODEL_H_

#include <string>
#include <string_view>

#include "oracle/common/terminal_model.h"

struct VTerm;
struct VTermScreen;

namespace roam::oracle {

class VtermModel final : public TerminalModel {
 public:
  // REQUIRES: cols, rows >= 1.
  VtermModel(int cols, int rows);
  ~VtermModel() override;
  VtermModel(const VtermModel&) = delete;
  VtermModel& operator=(const VtermModel&) = delete;

  std::string name() const override { return "libvterm"; }
  void Write(std::string_view host_bytes) override;
  std::string TakeReplies() override;
  ScreenGrid Grid() const override;

 private:
  static void OnOutput(const char* bytes, size_t len, void* user);

  int cols_;
  int rows_;
  VTerm* vt_ = nullptr;
  VTermScreen* screen_ = nullptr;
  std::string replies_;
};

}  // namespace roam::oracle

#endif  // ROAM_TESTS_ORACLE_COMMON_VTERM_MODEL_H_
