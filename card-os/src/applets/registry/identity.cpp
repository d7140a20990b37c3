#include "softcard/card_factory.h"
#include "softcard/errors.h"

namespace softcard {

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
