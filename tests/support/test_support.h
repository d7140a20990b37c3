#pragma once
// Small helpers shared by the unit tests.
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "softcard/errors.h"
#include "softcard/status_word.h"

namespace softcard::test {

// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "softcard-test-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::filesystem::path path;
};

// The status word a callable throws as CardError, or Sw::ok when it returns normally.
template <typename F>
Sw thrown_sw(F&& f) {
  try {
    f();
  } catch (const CardError& e) {
    return e.sw();
  }
  return Sw::ok;
}

}  // namespace softcard::test
