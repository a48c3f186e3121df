// Wiping the key's stray copies and making a key holder non-dumpable.

#include "crypto/secret_hygiene.h"

#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace roam::crypto {
namespace {

TEST(SecretHygieneTest, WipeStringZeroesTheWholeBufferAndEmptiesIt) {
  std::string key_line = "MOSH CONNECT 60001 SY36IMieR0NIt2yGTGVHrQ\n";
  key_line.resize(5);  // shrinking leaves the key in the buffer beyond size()
  const char* buffer = key_line.data();
  const size_t capacity = key_line.capacity();
  WipeString(&key_line);
  EXPECT_TRUE(key_line.empty());
  ASSERT_EQ(key_line.data(), buffer);  // same buffer, still owned: safe to read
  for (size_t i = 0; i < capacity; ++i) ASSERT_EQ(buffer[i], '\0') << i;
}

TEST(SecretHygieneTest, WipeEnvironmentVariableZeroesTheValueInTheEnvironmentBlock) {
  // putenv puts this very buffer into the environment, as the kernel puts
  // the initial environment on the stack: unsetenv alone would leave the
  // value in it (and in /proc/<pid>/environ).
  static char entry[] = "ROAM_TEST_SECRET=SY36IMieR0NIt2yGTGVHrQ";
  ASSERT_EQ(putenv(entry), 0);
  ASSERT_STREQ(std::getenv("ROAM_TEST_SECRET"), "SY36IMieR0NIt2yGTGVHrQ");
  WipeEnvironmentVariable("ROAM_TEST_SECRET");
  EXPECT_EQ(std::getenv("ROAM_TEST_SECRET"), nullptr);
  EXPECT_EQ(std::string(entry, 17), "ROAM_TEST_SECRET=");
  for (size_t i = 17; i < sizeof entry; ++i) ASSERT_EQ(entry[i], '\0') << i;
  WipeEnvironmentVariable("ROAM_TEST_SECRET");  // unset: nothing happens
}

TEST(SecretHygieneTest, MakeNonDumpableClearsTheDumpableFlag) {
  // In a child, so that this test binary stays dumpable.
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (prctl(PR_GET_DUMPABLE) != 1) _exit(2);
    if (!MakeNonDumpable().ok()) _exit(3);
    _exit(prctl(PR_GET_DUMPABLE) == 0 ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace roam::crypto
