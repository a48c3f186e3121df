#include "base/signal_pipe.h"

#include <poll.h>
#include <signal.h>

#include <gtest/gtest.h>

namespace roam {
namespace {

TEST(SignalPipeTest, DeliversSignalsInOrder) {
  Result<std::unique_ptr<SignalPipe>> pipe = SignalPipe::Install({SIGUSR1, SIGUSR2});
  ASSERT_TRUE(pipe.ok());
  EXPECT_TRUE((*pipe)->Drain().empty());
  raise(SIGUSR1);
  raise(SIGUSR2);
  raise(SIGUSR1);
  pollfd p{(*pipe)->read_fd(), POLLIN, 0};
  ASSERT_EQ(poll(&p, 1, 0), 1);
  EXPECT_EQ((*pipe)->Drain(), (std::vector<int>{SIGUSR1, SIGUSR2, SIGUSR1}));
  EXPECT_TRUE((*pipe)->Drain().empty());
  signal(SIGUSR1, SIG_DFL);
  signal(SIGUSR2, SIG_DFL);
}

}  // namespace
}  // namespace roam
