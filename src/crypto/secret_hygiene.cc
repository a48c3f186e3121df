// Wiping copies of the key and keeping the process's memory private.

#include "crypto/secret_hygiene.h"

#include <openssl/crypto.h>
#include <sys/prctl.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace roam::crypto {

void Wipe(void* data, size_t size) {
  if (size > 0) OPENSSL_cleanse(data, size);
}

void WipeString(std::string* s) {
  // Beyond size() up to capacity() the buffer may still hold older contents
  // (a string that shrank); resize first so the whole buffer is in range.
  s->resize(s->capacity());
  Wipe(s->data(), s->size());
  s->clear();
}

void WipeEnvironmentVariable(const char* name) {
  char* value = std::getenv(name);
  if (value == nullptr) return;
  Wipe(value, std::strlen(value));
  unsetenv(name);
}

Status MakeNonDumpable() {
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
    return IoError(std::string("prctl(PR_SET_DUMPABLE): ") + std::strerror(errno));
  }
  return Status::Ok();
}

}  // namespace roam::crypto
