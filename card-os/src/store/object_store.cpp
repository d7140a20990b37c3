#include "softcard/store.h"

#include <algorithm>

namespace softcard {

ObjectStore::ObjectStore(std::unique_ptr<CardStore> backend)
    : backend_(std::move(backend)), committed_(backend_->load()) {}

const Bytes* ObjectStore::get(std::string_view key) const {
  if (!pending_.empty()) {
    if (auto it = pending_.find(key); it != pending_.end())
      return it->second ? &*it->second : nullptr;
  }
  auto it = committed_.find(key);
  return it == committed_.end() ? nullptr : &it->second;
}

void ObjectStore::put(std::string key, Bytes value) {
  pending_[std::move(key)] = std::move(value);
}

void ObjectStore::erase(std::string_view key) {
  if (committed_.find(key) == committed_.end()) {
    // Never committed: dropping the pending write is the whole erase.
    if (auto it = pending_.find(key); it != pending_.end()) pending_.erase(it);
    return;
  }
  pending_[std::string(key)] = std::nullopt;
}

std::vector<std::string> ObjectStore::keys(std::string_view prefix) const {
  std::vector<std::string> out;
  for (auto it = committed_.lower_bound(prefix); it != committed_.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    auto p = pending_.find(it->first);
    if (p != pending_.end() && !p->second) continue;  // erased in this transaction
    out.push_back(it->first);
  }
  for (auto it = pending_.lower_bound(prefix); it != pending_.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    if (it->second && committed_.find(it->first) == committed_.end()) out.push_back(it->first);
  }
  std::sort(out.begin(), out.end());
  return out;
}

void ObjectStore::commit(bool flush_to_disk) {
  if (pending_.empty()) return;
  ChangeSet changes;
  changes.writes.reserve(pending_.size());
  for (const auto& [key, value] : pending_) changes.writes.emplace_back(key, value);
  if (flush_to_disk)
    backend_->apply_durable(changes);
  else
    backend_->apply(changes);  // throws: pending writes stay for the caller to roll back
  for (auto& [key, value] : pending_) {
    if (value)
      committed_.insert_or_assign(key, std::move(*value));
    else
      committed_.erase(key);
  }
  pending_.clear();
}

void ObjectStore::rollback() {
  pending_.clear();
}

}  // namespace softcard
