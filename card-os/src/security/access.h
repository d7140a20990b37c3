#pragma once
// Access conditions as data. A condition is an OR of alternatives; each alternative is
// "always", "PIN <ref> verified", "administrator authenticated" or both of the last two. No
// alternative = never.
// The one place that checks a condition is require(); it throws CardError(6982).
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "security/pin.h"
#include "softcard/bytes.h"

namespace softcard::security {

struct Alternative {
  enum class Kind : std::uint8_t { always = 0, pin = 1, admin = 2, pin_and_admin = 3 };
  Kind kind = Kind::always;
  std::uint8_t reference = 0;  // for Kind::pin and Kind::pin_and_admin
  friend bool operator==(const Alternative&, const Alternative&) = default;
};

class AccessCondition {
 public:
  AccessCondition() = default;  // never
  static AccessCondition never() { return {}; }
  static AccessCondition always() { return AccessCondition({{Alternative::Kind::always, 0}}); }
  static AccessCondition pin(std::uint8_t reference) {
    return AccessCondition({{Alternative::Kind::pin, reference}});
  }
  static AccessCondition admin() { return AccessCondition({{Alternative::Kind::admin, 0}}); }
  static AccessCondition pin_and_admin(std::uint8_t reference) {
    return AccessCondition({{Alternative::Kind::pin_and_admin, reference}});
  }

  // OR of two conditions.
  AccessCondition operator|(const AccessCondition& other) const;

  bool is_never() const { return any_of_.empty(); }
  bool is_always() const;
  const std::vector<Alternative>& alternatives() const { return any_of_; }
  bool satisfied(const SecurityState& state) const;
  // "always", "never", "pin(81)|admin", "pin(81)&admin".
  std::string to_string() const;
  friend bool operator==(const AccessCondition&, const AccessCondition&) = default;

 private:
  explicit AccessCondition(std::vector<Alternative> alts) : any_of_(std::move(alts)) {}
  std::vector<Alternative> any_of_;
};

// Throws CardError(Sw::security_not_satisfied) unless `condition` holds in `state`.
void require(const AccessCondition& condition, const SecurityState& state);

}  // namespace softcard::security
