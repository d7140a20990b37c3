#include "security/access.h"

#include <cstdio>

#include "softcard/errors.h"

namespace softcard::security {

AccessCondition AccessCondition::operator|(const AccessCondition& other) const {
  AccessCondition out = *this;
  for (const auto& alt : other.any_of_) {
    bool present = false;
    for (const auto& mine : out.any_of_) present = present || mine == alt;
    if (!present) out.any_of_.push_back(alt);
  }
  return out;
}

bool AccessCondition::is_always() const {
  for (const auto& alt : any_of_)
    if (alt.kind == Alternative::Kind::always) return true;
  return false;
}

bool AccessCondition::satisfied(const SecurityState& state) const {
  for (const auto& alt : any_of_) {
    switch (alt.kind) {
      case Alternative::Kind::always:
        return true;
      case Alternative::Kind::pin:
        if (state.verified(alt.reference)) return true;
        break;
      case Alternative::Kind::admin:
        if (state.admin()) return true;
        break;
      case Alternative::Kind::pin_and_admin:
        if (state.verified(alt.reference) && state.admin()) return true;
        break;
    }
  }
  return false;
}

std::string AccessCondition::to_string() const {
  if (any_of_.empty()) return "never";
  std::string out;
  for (const auto& alt : any_of_) {
    if (!out.empty()) out += '|';
    switch (alt.kind) {
      case Alternative::Kind::always:
        out += "always";
        break;
      case Alternative::Kind::admin:
        out += "admin";
        break;
      case Alternative::Kind::pin:
      case Alternative::Kind::pin_and_admin: {
        char buf[16];
        std::snprintf(buf, sizeof buf, "pin(%02x)", alt.reference);
        out += buf;
        if (alt.kind == Alternative::Kind::pin_and_admin) out += "&admin";
        break;
      }
    }
  }
  return out;
}

void require(const AccessCondition& condition, const SecurityState& state) {
  if (!condition.satisfied(state)) throw CardError(Sw::security_not_satisfied);
}

}  // namespace softcard::security
