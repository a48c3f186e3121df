#include "oracle/common/roam_model.h"

#include "oracle/common/framebuffer_grid.h"
#include "term/emulator.h"

namespace roam::oracle {

namespace {

class RoamModel final : public TerminalModel {
 public:
  RoamModel(int cols, int rows) : emulator_(cols, rows) {}

  std::string name() const override { return "roam"; }
  void Write(std::string_view host_bytes) override { emulator_.Write(host_bytes); }
  std::string TakeReplies() override { return emulator_.TakeReplies(); }
  ScreenGrid Grid() const override { return GridFromFramebuffer(emulator_.fb()); }

 private:
  term::Emulator emulator_;
};

}  // namespace

std::unique_ptr<TerminalModel> MakeRoamModel(int cols, int rows) {
  return std::make_unique<RoamModel>(cols, rows);
}

}  // namespace roam::oracle
