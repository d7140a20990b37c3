#include <algorithm>
#include <stdexcept>

#include "kit/key_name.h"
#include "softcard/applet_kit.h"

namespace softcard::kit {

namespace {

bool name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

}  // namespace

std::string applet_prefix(std::string_view name) {
  if (name.empty() || name.size() > 64 || !std::all_of(name.begin(), name.end(), name_char))
    throw std::invalid_argument(
        "an external applet name is 1 to 64 characters of A-Z a-z 0-9 _ . -"
        ", not '" +
        std::string(name) + "'");
  return "ext/" + std::string(name) + "/";
}

ScopedStore::ScopedStore(ObjectStore& store, std::string prefix)
    : store_(&store), prefix_(std::move(prefix)) {}

std::string checked_key(std::string_view key) {
  // Printable and bounded: keys show up in `softcard inspect` and in error messages.
  if (key.empty() || key.size() > 200 ||
      !std::all_of(key.begin(), key.end(), [](char c) { return c > 0x20 && c < 0x7F; }))
    throw std::invalid_argument("a store key is 1 to 200 printable ASCII characters");
  return std::string(key);
}

std::string ScopedStore::full(std::string_view key) const {
  return prefix_ + checked_key(key);
}

const Bytes* ScopedStore::get(std::string_view key) const {
  return store_->get(full(key));
}

void ScopedStore::put(std::string_view key, Bytes value) {
  store_->put(full(key), std::move(value));
}

void ScopedStore::put_secret(std::string_view key, Bytes value) {
  store_->put_secret(full(key), std::move(value));
}

void ScopedStore::erase(std::string_view key) {
  store_->erase(full(key));
}

bool ScopedStore::is_secret(std::string_view key) const {
  return store_->is_secret(full(key));
}

std::vector<std::string> ScopedStore::keys(std::string_view prefix) const {
  std::vector<std::string> out;
  for (auto& k : store_->keys(prefix_ + std::string(prefix)))
    out.push_back(k.substr(prefix_.size()));
  return out;
}

}  // namespace softcard::kit
