#pragma once
#include <stdexcept>
#include <string>

#include "softcard/status_word.h"

namespace softcard {

// Thrown by command handlers to fail early with a specific status word. The card OS turns it
// into the response and rolls back the APDU's transaction.
class CardError : public std::exception {
 public:
  explicit CardError(Sw sw) : sw_(sw), what_(describe(sw)) {}
  Sw sw() const noexcept { return sw_; }
  const char* what() const noexcept override { return what_.c_str(); }

 private:
  Sw sw_;
  std::string what_;
};

// A card image that cannot be used: missing, corrupt, foreign, newer, locked. The message names
// the file and the problem.
class ImageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A profile or other personalization input that is malformed. The message names the problem.
class ProfileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace softcard
