#include "softcard/errors.h"
#include "softcard/store.h"

namespace softcard {

void MemoryStore::apply(const ChangeSet& changes) {
  if (failing_) throw ImageError("<memory>: simulated write failure");
  ++apply_count_;
  for (const auto& [key, value] : changes.writes) {
    if (value)
      objects_[key] = *value;
    else
      objects_.erase(key);
  }
}

}  // namespace softcard
