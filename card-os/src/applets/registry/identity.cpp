#include "softcard/card_factory.h"
#include "softcard/errors.h"

namespace softcard {

std::string atr_problem(ByteView atr) {
  if (atr.size() < 2 || atr.size() > 33)
    return "an ATR has 2 to 33 bytes, not " + std::to_string(atr.size());
  if (atr[0] != 0x3B && atr[0] != 0x3F)
    return "TS (the first byte) must be 3B (direct) or 3F (inverse convention)";
  const std::size_t historical = atr[1] & 0x0F;
  unsigned present = atr[1] >> 4;  // which of TA, TB, TC, TD follow (bits 1, 2, 4, 8)
  std::size_t at = 2;
  bool tck = false;
  for (unsigned group = 1;; ++group) {
    for (unsigned bit = 1; bit <= 8; bit <<= 1)
      if (present & bit) ++at;
    if (at > atr.size())
      return "the interface bytes T0/TD" + std::to_string(group - 1) +
             " announces run past the end";
    if (!(present & 8)) break;
    const std::uint8_t td = atr[at - 1];
    if ((td & 0x0F) != 0) tck = true;  // any protocol but T=0 needs the check byte
    present = td >> 4;
  }
  if (at + historical > atr.size())
    return "T0 announces " + std::to_string(historical) +
           " historical bytes, which run past the end";
  at += historical;
  if (!tck) {
    if (at != atr.size())
      return std::to_string(atr.size() - at) +
             " bytes follow the historical bytes (an ATR offering only T=0 has no TCK)";
    return {};
  }
  if (at == atr.size()) return "the check byte TCK is missing (required unless only T=0)";
  if (at + 1 != atr.size())
    return std::to_string(atr.size() - at - 1) + " bytes follow the check byte TCK";
  std::uint8_t x = 0;
  for (std::size_t i = 1; i < atr.size(); ++i) x ^= atr[i];
  if (x != 0) return "the check byte TCK is wrong (T0 to TCK must XOR to 00)";
  return {};
}

void write_identity(ObjectStore& store, const CardIdentity& id) {
  if (id.applets.empty()) throw ProfileError("a card needs at least one applet");
  for (std::size_t i = 0; i < id.applets.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (id.applets[i] == id.applets[j])
        throw ProfileError("applet '" + id.applets[i] + "' is listed twice");
  if (!id.atr.empty()) {
    if (const std::string why = atr_problem(id.atr); !why.empty())
      throw ProfileError("invalid ATR " + to_hex(id.atr) + ": " + why);
    store.put(keys::atr, id.atr);
  }
  store.put(keys::serial, id.serial);
  std::string list;
  for (const auto& name : id.applets) {
    if (name.empty() || name.find(',') != std::string::npos)
      throw ProfileError("invalid applet name '" + name + "'");
    if (!list.empty()) list += ',';
    list += name;
  }
  store.put(keys::applets, Bytes(list.begin(), list.end()));
  store.put(keys::profile, Bytes(id.profile.begin(), id.profile.end()));
}

CardIdentity read_identity(const ObjectStore& store) {
  CardIdentity id;
  if (const Bytes* atr = store.get(keys::atr)) id.atr = *atr;
  if (const Bytes* serial = store.get(keys::serial)) id.serial = *serial;
  if (const Bytes* profile = store.get(keys::profile))
    id.profile.assign(profile->begin(), profile->end());
  if (const Bytes* list = store.get(keys::applets)) {
    std::string s(list->begin(), list->end());
    std::size_t start = 0;
    while (start <= s.size()) {
      const std::size_t comma = s.find(',', start);
      const std::string name =
          s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!name.empty()) id.applets.push_back(name);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return id;
}

}  // namespace softcard
