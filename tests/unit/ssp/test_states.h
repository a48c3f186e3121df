// A minimal SyncState for the SSP tests: an append-only string whose diff is
// simply the appended suffix. Diff sizes are therefore exactly the number of
// new bytes, which makes the sender's size-based choices easy to set up.

#ifndef ROAM_TESTS_UNIT_SSP_TEST_STATES_H_
#define ROAM_TESTS_UNIT_SSP_TEST_STATES_H_

#include <string>
#include <string_view>

#include "base/status.h"
#include "ssp/sync_state.h"

namespace roam::ssp::testing {

class AppendState {
 public:
  AppendState() = default;
  explicit AppendState(std::string text) : text_(std::move(text)) {}

  void Append(std::string_view more) { text_.append(more); }
  const std::string& text() const { return text_; }

  friend bool operator==(const AppendState&, const AppendState&) = default;

  void Subtract(const AppendState& prefix) {
    if (this == &prefix) {
      text_.clear();
    } else if (text_.compare(0, prefix.text_.size(), prefix.text_) == 0) {
      text_.erase(0, prefix.text_.size());
    }
  }
  std::string DiffFrom(const AppendState& old) const {
    if (text_.compare(0, old.text_.size(), old.text_) != 0) return text_;
    return text_.substr(old.text_.size());
  }
  std::string InitDiff() const { return text_; }
  // A diff starting with '!' is rejected, to exercise bad-diff handling.
  Status Apply(std::string_view diff) {
    if (!diff.empty() && diff[0] == '!') return Malformed("test state: rejected diff");
    text_.append(diff);
    return Status::Ok();
  }

 private:
  std::string text_;
};

static_assert(SyncState<AppendState>);

}  // namespace roam::ssp::testing

#endif  // ROAM_TESTS_UNIT_SSP_TEST_STATES_H_
