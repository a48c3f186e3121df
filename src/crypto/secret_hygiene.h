// Secret hygiene: the few operations that keep copies of the session key
// from lingering where another process, a core dump or a later reader of
// this process's memory could find them.
//
// The key lives in a Key (wiped on destruction). Its text form passes
// through a few other places on the way: the MOSH_KEY environment variable
// (whose bytes stay in the environment block, readable through
// /proc/<pid>/environ, even after unsetenv), the CONNECT line roam-server
// prints and `roam` reads, and the strings they are parsed from. Each of
// those places wipes its copy with these helpers as soon as the Key has
// been made, and every program that holds a key makes itself non-dumpable
// first (no core file, no ptrace or /proc/<pid>/mem access by other
// processes of the same user).

#ifndef ROAM_CRYPTO_SECRET_HYGIENE_H_
#define ROAM_CRYPTO_SECRET_HYGIENE_H_

#include <cstddef>
#include <string>

#include "base/status.h"

namespace roam::crypto {

// Overwrites `size` bytes at `data` with zeros in a way the compiler cannot
// drop (OPENSSL_cleanse).
void Wipe(void* data, size_t size);

// Overwrites the whole contents of `*s` (its capacity, not only its size)
// and leaves it empty.
void WipeString(std::string* s);

// Overwrites the value of environment variable `name` in place (in the
// environment block itself, so /proc/<pid>/environ no longer shows it
// either), then removes the variable with unsetenv. Does nothing if `name`
// is unset.
void WipeEnvironmentVariable(const char* name);

// Marks this process non-dumpable (prctl PR_SET_DUMPABLE 0) for as long as
// it runs: no core dumps, and /proc/<pid> becomes root's, so other processes
// of the user can neither attach to it nor read its memory. exec() resets
// the flag for the new program. Errors: IoError if prctl fails.
Status MakeNonDumpable();

}  // namespace roam::crypto

#endif  // ROAM_CRYPTO_SECRET_HYGIENE_H_
