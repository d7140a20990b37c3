#pragma once
// The private-key oracle of the APDU targets: no response carries 16 bytes of any private
// component (RSA d, p, q, dp, dq, qinv; an EC scalar) of any key the card holds or held during
// the input, big- or little-endian. Keys are found by content, not by record name: every record
// is scanned for PKCS#8 PrivateKeyInfo (how every applet stores its keys), so keys generated or
// imported by the input are learned as soon as they reach the store. A window is not a leak when a
// record holds the same bytes outside any private key: the input wrote them there itself (e.g.
// copied a prime of an IMPORT into a data file) and reads them back.
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "fuzz_support.h"
#include "softcard/store.h"

namespace softcard::fuzz {

class PrivateKeyOracle {
 public:
  static constexpr std::size_t window = 16;

  PrivateKeyOracle() = default;
  // An input's oracle on top of the personalized card's (learned once, not copied per input).
  explicit PrivateKeyOracle(const PrivateKeyOracle* base) : base_(base) {}

  // Learns the private keys of every record of `objects` not scanned yet (by value).
  void learn(const ObjectMap& objects) {
    for (const auto& [name, value] : objects) {
      const std::string_view v(reinterpret_cast<const char*>(value.data()), value.size());
      const std::size_t h = std::hash<std::string_view>{}(v);
      if ((base_ && base_->scanned_.count(h)) || !scanned_.insert(h).second) continue;
      for (const auto& span : pkcs8_spans(value)) learn_key(value, span);
    }
  }

  // Fails the input when `response` carries a window of a learned component that no record holds
  // outside a private key.
  void check(const Bytes& response, const ObjectMap& objects, const Bytes& apdu) const {
    if (windows_.empty() && (!base_ || base_->windows_.empty())) return;
    for (std::size_t i = 0; i + window <= response.size(); ++i) {
      const std::string w(reinterpret_cast<const char*>(response.data() + i), window);
      const bool known = windows_.count(w) || (base_ && base_->windows_.count(w));
      if (!known || held_in_plain(w, objects)) continue;
      oracle_failed("a response carries 16 bytes of a private key (at offset " + std::to_string(i) +
                    "): command " + to_hex(apdu) + ", response " + to_hex(response));
    }
  }

  std::size_t components() const { return components_; }

  using Span = std::pair<std::size_t, std::size_t>;  // offset, length

  // Where `v` holds a DER SEQUENCE that OpenSSL reads as a private key (PKCS#8 version 0 or 1).
  static std::vector<Span> pkcs8_spans(const Bytes& v) {
    std::vector<Span> out;
    for (std::size_t i = 0; i + 5 < v.size(); ++i) {
      if (v[i] != 0x30) continue;
      std::size_t len = v[i + 1], hdr = 2;
      if (len == 0x81) {
        len = v[i + 2], hdr = 3;
      } else if (len == 0x82) {
        if (i + 3 >= v.size()) continue;
        len = std::size_t(v[i + 2]) << 8 | v[i + 3], hdr = 4;
      } else if (len >= 0x80) {
        continue;
      }
      const std::size_t total = hdr + len;
      if (total > v.size() - i || i + hdr + 3 > v.size()) continue;
      if (v[i + hdr] != 0x02 || v[i + hdr + 1] != 0x01 || v[i + hdr + 2] > 1) continue;
      const unsigned char* p = v.data() + i;
      EVP_PKEY* key = d2i_AutoPrivateKey(nullptr, &p, long(total));
      if (!key) continue;
      EVP_PKEY_free(key);
      out.emplace_back(i, total);
      i += total - 1;
    }
    return out;
  }

 private:
  void learn_key(const Bytes& v, Span span) {
    const unsigned char* p = v.data() + span.first;
    EVP_PKEY* key = d2i_AutoPrivateKey(nullptr, &p, long(span.second));
    if (!key) return;
    for (const char* param :
         {OSSL_PKEY_PARAM_RSA_D, OSSL_PKEY_PARAM_RSA_FACTOR1, OSSL_PKEY_PARAM_RSA_FACTOR2,
          OSSL_PKEY_PARAM_RSA_EXPONENT1, OSSL_PKEY_PARAM_RSA_EXPONENT2,
          OSSL_PKEY_PARAM_RSA_COEFFICIENT1, OSSL_PKEY_PARAM_PRIV_KEY}) {
      BIGNUM* bn = nullptr;
      if (EVP_PKEY_get_bn_param(key, param, &bn) != 1 || !bn) continue;
      std::string be(std::size_t(BN_num_bytes(bn)), '\0');
      BN_bn2bin(bn, reinterpret_cast<unsigned char*>(be.data()));
      BN_clear_free(bn);
      ++components_;
      std::string le(be.rbegin(), be.rend());
      for (const std::string* s : {&be, &le})
        for (std::size_t i = 0; i + window <= s->size(); ++i) windows_.insert(s->substr(i, window));
    }
    EVP_PKEY_free(key);
  }

  static bool held_in_plain(const std::string& w, const ObjectMap& objects) {
    for (const auto& [name, value] : objects) {
      const auto spans = pkcs8_spans(value);
      for (auto it = value.begin(); it != value.end();) {
        it = std::search(it, value.end(), w.begin(), w.end(),
                         [](std::uint8_t a, char b) { return a == static_cast<std::uint8_t>(b); });
        if (it == value.end()) break;
        const std::size_t at = std::size_t(it - value.begin());
        const bool inside_key = std::any_of(spans.begin(), spans.end(), [&](const Span& s) {
          return at + window > s.first && at < s.first + s.second;
        });
        if (!inside_key) return true;
        ++it;
      }
    }
    return false;
  }

  const PrivateKeyOracle* base_ = nullptr;
  std::unordered_set<std::size_t> scanned_;
  std::unordered_set<std::string> windows_;
  std::size_t components_ = 0;
};

}  // namespace softcard::fuzz
