// Status and Result<T>: errors as values at module boundaries.
//
// A Status is either OK or carries a code and a human-readable message that is
// fit to show a user ("bad key: must be 22 base64 characters"). Result<T> holds
// either a T or a non-OK Status. Peer input never throws: parsers return these.
// (std::expected is not available with the clang 14 toolchain roam supports.)

#ifndef ROAM_BASE_STATUS_H_
#define ROAM_BASE_STATUS_H_

#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "base/check.h"

namespace roam {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,    // caller or user gave a bad value (key, flag, port)
  kMalformed,          // peer or file bytes failed to parse; drop and count
  kAuthFailed,         // datagram failed authentication; drop and count
  kOutOfRange,         // a bound was exceeded (sizes, counts); drop and count
  kResourceExhausted,  // a usage limit was reached; the session must end
  kUnavailable,        // a transient I/O condition (EAGAIN, unreachable)
  kIoError,            // an operating-system call failed
  kInternal,           // a bug; should not happen
};

// Returns a short lowercase name for `code`, e.g. "malformed".
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "code: message", or "ok".
  std::string ToString() const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string msg) {
  return Status(StatusCode::kInvalidArgument, std::move(msg));
}
inline Status Malformed(std::string msg) { return Status(StatusCode::kMalformed, std::move(msg)); }
inline Status OutOfRange(std::string msg) {
  return Status(StatusCode::kOutOfRange, std::move(msg));
}
inline Status IoError(std::string msg) { return Status(StatusCode::kIoError, std::move(msg)); }

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  // REQUIRES: !status.ok()
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    ROAM_CHECK(!std::get<Status>(v_).ok());
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  // OK when a value is held.
  Status status() const { return ok() ? Status() : std::get<Status>(v_); }

  // REQUIRES: ok()
  T& value() & {
    ROAM_CHECK(ok());
    return std::get<T>(v_);
  }
  const T& value() const& {
    ROAM_CHECK(ok());
    return std::get<T>(v_);
  }
  T&& value() && {
    ROAM_CHECK(ok());
    return std::get<T>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace roam

// Evaluates `expr` (a Status); returns it from the current function if not OK.
#define ROAM_RETURN_IF_ERROR(expr)       \
  do {                                   \
    ::roam::Status roam_st_ = (expr);    \
    if (!roam_st_.ok()) return roam_st_; \
  } while (0)

#endif  // ROAM_BASE_STATUS_H_
