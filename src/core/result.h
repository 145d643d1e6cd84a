// Sluice's project-wide error and result types (docs/adr/0001-result-type.md).
//
// `Result<T>` holds either a value or an `Error`; `Status` is `Result<void>`. No exceptions cross
// the data path: functions that can fail on input return one of these. Error codes map 1:1 to the
// HTTP statuses of OpenAI-style error bodies (see http_status()).
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace sluice {

/// What went wrong, coarse enough to choose an HTTP status or an exit code from.
enum class ErrorCode {
  kInvalidArgument,   ///< malformed or semantically invalid input (HTTP 400)
  kUnauthenticated,   ///< missing or wrong credentials (HTTP 401)
  kPermissionDenied,  ///< authenticated but not allowed (HTTP 403)
  kNotFound,          ///< unknown model, adapter, route or file (HTTP 404)
  kTooLarge,          ///< body, header or prompt over a limit (HTTP 413)
  kRateLimited,       ///< over a rate or queue limit (HTTP 429)
  kInternal,          ///< a bug or an unexpected state (HTTP 500)
  kUnavailable,       ///< dependency down or overloaded, retry later (HTTP 503)
  kTimeout,           ///< a deadline passed (HTTP 504)
  kCancelled,         ///< the caller went away or shutdown started
  kIo,                ///< socket or file error
};

/// Short stable name of a code, used in logs and in error JSON `type` fields.
std::string_view error_code_name(ErrorCode code);
/// The HTTP status a code is reported with.
int http_status(ErrorCode code);

/// An error: a code plus a human-readable message that says what to fix.
struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  /// Optional: which input field was wrong (JSON field, YAML path, CLI flag).
  std::string field;
};

inline Error make_error(ErrorCode code, std::string message, std::string field = {}) {
  return Error{code, std::move(message), std::move(field)};
}

/// Either a T or an Error. A small subset of C++23 std::expected (unavailable in g++ 12 C++20).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value)
      : data_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : data_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return data_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(data_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(data_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(data_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const& {
    assert(!ok());
    return std::get<1>(data_);
  }
  Error&& error() && {
    assert(!ok());
    return std::get<1>(std::move(data_));
  }

 private:
  std::variant<T, Error> data_;
};

/// Success or an Error, for operations without a value.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const& {
    assert(!ok_);
    return error_;
  }
  Error&& error() && {
    assert(!ok_);
    return std::move(error_);
  }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace sluice
