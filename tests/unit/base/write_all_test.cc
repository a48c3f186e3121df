#include "base/write_all.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "base/unique_fd.h"

namespace roam {
namespace {

struct Pipe {
  Pipe() {
    int fds[2];
    EXPECT_EQ(pipe2(fds, O_CLOEXEC), 0);
    read = UniqueFd(fds[0]);
    write = UniqueFd(fds[1]);
  }
  UniqueFd read;
  UniqueFd write;
};

std::string ReadToEnd(int fd) {
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  return out;
}

TEST(WriteAllTest, AFullNonBlockingPipeIsWaitedOnUntilEveryByteIsOut) {
  Pipe p;
  ASSERT_EQ(fcntl(p.write.get(), F_SETFL, O_NONBLOCK), 0);
  // Four times a pipe's default capacity, so the writer meets EAGAIN.
  std::string bytes(256 * 1024, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 7);
  std::string got;
  std::thread reader([&] { got = ReadToEnd(p.read.get()); });
  EXPECT_TRUE(WriteAll(p.write.get(), bytes));
  p.write = UniqueFd();
  reader.join();
  EXPECT_EQ(got, bytes);
}

TEST(WriteAllTest, AClosedReaderIsAFailure) {
  Pipe p;
  p.read = UniqueFd();
  struct sigaction ignore {
  }, old{};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &old);
  EXPECT_FALSE(WriteAll(p.write.get(), "lost"));
  sigaction(SIGPIPE, &old, nullptr);
}

}  // namespace
}  // namespace roam
