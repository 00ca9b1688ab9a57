// Errors thrown by the native core. The binding turns each kind into the matching JS error
// (TypeError, RangeError, or Error with a `code`), so nothing below the boundary ever aborts.
#pragma once
#include <stdexcept>
#include <string>

namespace tdmpc2 {

enum class ErrorKind {
  Type,      // wrong JS type, wrong handle, wrong dtype -> TypeError
  Range,     // wrong shape, size, index or hyperparameter -> RangeError
  Disposed,  // use after dispose -> Error, code ERR_DISPOSED
  Cuda,      // CUDA runtime failure -> Error, code ERR_CUDA
  OutOfMemory,  // host or device allocation failed -> Error, code ERR_OOM
  Runtime,   // anything else -> Error
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

[[noreturn]] inline void throw_type(const std::string& m) { throw Error(ErrorKind::Type, m); }
[[noreturn]] inline void throw_range(const std::string& m) { throw Error(ErrorKind::Range, m); }

}  // namespace tdmpc2
