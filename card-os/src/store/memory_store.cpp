#include "softcard/errors.h"
#include "softcard/store.h"

namespace softcard {

void MemoryStore::apply(const ChangeSet& changes) {
  if (failing_) throw ImageError("<memory>: simulated write failure");
  ++apply_count_;
  last_keys_.clear();
  for (const auto& c : changes.writes) {
    last_keys_.push_back(c.key);
    if (c.value) {
      objects_[c.key] = *c.value;
      if (c.secret)
        secret_.insert(c.key);
      else
        secret_.erase(c.key);
    } else {
      objects_.erase(c.key);
      secret_.erase(c.key);
    }
  }
}

void MemoryStore::apply_durable(const ChangeSet& changes) {
  if (failing_durable_) throw ImageError("<memory>: simulated write failure (durable)");
  apply(changes);
  ++durable_count_;
}

}  // namespace softcard
