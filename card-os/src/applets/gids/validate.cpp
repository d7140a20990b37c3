// Applet::validate for GIDS: every record under gids/ (and the SKI shared keys under ski/) is
// decoded when the image is opened, so a damaged one is an error naming it before the card
// serves anything, never a 6F00 at the command that first reads it.
#include <cstdio>

#include "applets/gids/gids_internal.h"
#include "security/pin.h"
#include "softcard/errors.h"

namespace softcard::gids {

namespace {

std::string hex_suffix(std::string_view key, std::string_view prefix) {
  return std::string(key.substr(prefix.size()));
}

void validate_ef(const std::string& key, const EfRecord& ef, CryptoProvider& crypto) {
  char expected[8];
  std::snprintf(expected, sizeof expected, "%04x", ef.fid);
  if (hex_suffix(key, ef_prefix()) != expected) throw ImageError("file id does not match the key");
  if (ef.type != ef_type_bertlv && ef.type != ef_type_key) throw ImageError("unknown file type");
  if (ef.lcs != lcs_creation && ef.lcs != lcs_operational)
    throw ImageError("unknown life cycle state");
  try {
    compact_acl_of(ef.fcp);
  } catch (const CardError&) {
    throw ImageError("malformed FCP");
  }
  switch (ef.key_kind) {
    case KeyKind::none:
      if (!ef.key.empty()) throw ImageError("key bytes without a key kind");
      break;
    case KeyKind::symmetric: {
      const std::size_t n = ef.key.size();
      const bool ok =
          ef.sym_alg == SymAlg::tdes ? (n == 16 || n == 24) : (n == 16 || n == 24 || n == 32);
      if (!ok) throw ImageError("administrator key of the wrong length");
      break;
    }
    case KeyKind::asymmetric:
      try {
        crypto.import_private(ef.key.view(), KeyCheck::stored);
      } catch (const CryptoError&) {
        throw ImageError("private key does not load");
      }
      break;
  }
}

}  // namespace

void validate_records(const ObjectStore& store) {
  CryptoProvider crypto;
  const security::PinManager pins(pin_prefix);
  auto check = [&](const std::string& key) {
    const Bytes& value = *store.get(key);
    if (key == app_key) {
      decode_app_state(value);
    } else if (key.starts_with(pin_prefix)) {
      const auto pin = security::decode_pin_record(value);
      if (pins.key(pin.reference) != key) throw ImageError("PIN reference does not match the key");
    } else if (key.starts_with(ef_prefix())) {
      validate_ef(key, decode_ef(value), crypto);
    } else if (key.starts_with("gids/do/")) {
      if (value.empty() || value[0] != 1) throw ImageError("malformed data object record");
    }
  };
  for (const std::string prefix : {"gids/", "ski/"}) {
    for (const auto& key : store.keys(prefix)) {
      try {
        if (key.starts_with("ski/shared/")) {
          if (store.get(key)->size() != 32) throw ImageError("a shared key has 32 bytes");
        } else {
          check(key);
        }
      } catch (const ImageError& e) {
        throw ImageError("record " + key + ": " + e.what());
      }
    }
  }
}

}  // namespace softcard::gids
