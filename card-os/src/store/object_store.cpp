#include <algorithm>

#include "softcard/store.h"

namespace softcard {

ObjectStore::ObjectStore(std::unique_ptr<CardStore> backend) : backend_(std::move(backend)) {
  StoredObjects all = backend_->load();
  committed_ = std::move(all.values);
  committed_secret_ = std::move(all.secret);
}

const Bytes* ObjectStore::get(std::string_view key) const {
  if (!pending_.empty()) {
    if (auto it = pending_.find(key); it != pending_.end())
      return it->second.value ? &*it->second.value : nullptr;
  }
  auto it = committed_.find(key);
  return it == committed_.end() ? nullptr : &it->second;
}

bool ObjectStore::is_secret(std::string_view key) const {
  if (auto it = pending_.find(key); it != pending_.end())
    return it->second.value && it->second.secret;
  return committed_secret_.find(key) != committed_secret_.end();
}

void ObjectStore::write(std::string key, Bytes value, bool secret) {
  // Sticky: a secret record rewritten with put() stays secret.
  secret = secret || is_secret(key);
  pending_[std::move(key)] = Pending{std::move(value), secret};
}

void ObjectStore::put(std::string key, Bytes value) {
  write(std::move(key), std::move(value), false);
}

void ObjectStore::put_secret(std::string key, Bytes value) {
  write(std::move(key), std::move(value), true);
}

void ObjectStore::erase(std::string_view key) {
  if (committed_.find(key) == committed_.end()) {
    // Never committed: dropping the pending write is the whole erase.
    if (auto it = pending_.find(key); it != pending_.end()) pending_.erase(it);
    return;
  }
  pending_[std::string(key)] = Pending{};
}

std::vector<std::string> ObjectStore::keys(std::string_view prefix) const {
  std::vector<std::string> out;
  for (auto it = committed_.lower_bound(prefix); it != committed_.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    auto p = pending_.find(it->first);
    if (p != pending_.end() && !p->second.value) continue;  // erased in this transaction
    out.push_back(it->first);
  }
  for (auto it = pending_.lower_bound(prefix); it != pending_.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    if (it->second.value && committed_.find(it->first) == committed_.end())
      out.push_back(it->first);
  }
  std::sort(out.begin(), out.end());
  return out;
}

ChangeSet ObjectStore::snapshot() const {
  ChangeSet all;
  all.writes.reserve(committed_.size());
  for (const auto& [key, value] : committed_)
    all.writes.emplace_back(key, value, committed_secret_.count(key) != 0);
  return all;
}

void ObjectStore::commit(bool flush_to_disk) {
  if (pending_.empty()) return;
  ChangeSet changes;
  changes.writes.reserve(pending_.size());
  for (const auto& [key, p] : pending_) changes.writes.emplace_back(key, p.value, p.secret);
  if (flush_to_disk)
    backend_->apply_durable(changes);
  else
    backend_->apply(changes);  // throws: pending writes stay for the caller to roll back
  for (auto& [key, p] : pending_) {
    if (p.value) {
      committed_.insert_or_assign(key, std::move(*p.value));
      if (p.secret)
        committed_secret_.insert(key);
      else
        committed_secret_.erase(key);
    } else {
      committed_.erase(key);
      committed_secret_.erase(key);
    }
  }
  pending_.clear();
}

void ObjectStore::commit_one(std::string_view key) {
  auto it = pending_.find(key);
  if (it == pending_.end()) return;
  ChangeSet one;
  one.writes.emplace_back(it->first, it->second.value, it->second.secret);
  backend_->apply_durable(one);  // throws: nothing changed here
  const std::string name = it->first;
  if (it->second.value) {
    committed_.insert_or_assign(name, std::move(*it->second.value));
    if (it->second.secret)
      committed_secret_.insert(name);
    else
      committed_secret_.erase(name);
  } else {
    committed_.erase(name);
    committed_secret_.erase(name);
  }
  pending_.erase(it);
}

void ObjectStore::rollback() {
  pending_.clear();
}

}  // namespace softcard
