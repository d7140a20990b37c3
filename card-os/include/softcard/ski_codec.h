#pragma once
// SKI protocol v1 (docs/ski.md), the parts that need a crypto provider: the key schedule (§4),
// sealing and opening blobs (§5) and the session key derivations (§7). The byte formats
// themselves are wire::ski's; their names are brought in here so card and host code says
// ski::Alg, ski::csf::authenticate, ski::key_data_blob. Shared by the card extension and the host
// minidriver (library softcard_ski_codec, which depends on softcard_crypto and wire).
#include <cstdint>
#include <optional>
#include <variant>

#include "softcard/bytes.h"
#include "softcard/crypto.h"
#include "softcard/wire/ski.h"

namespace softcard::ski {

namespace csf = wire::ski::csf;
namespace padding_id = wire::ski::padding_id;
using wire::ski::Alg;
using wire::ski::Direction;
using wire::ski::Mode;
using wire::ski::Reject;

using wire::ski::header_fixed;
using wire::ski::key_id_length;
using wire::ski::nonce_length;
using wire::ski::shared_nonce_length;
using wire::ski::tag_length;

using wire::get_u32le;
using wire::put_u32le;
using wire::ski::alg_from_id;
using wire::ski::alg_from_name;
using wire::ski::block_length;
using wire::ski::describe;
using wire::ski::iv_length;
using wire::ski::key_data_blob;
using wire::ski::key_length;
using wire::ski::mode_allowed;
using wire::ski::mode_from_id;

BlockAlg block_alg(Alg alg);

// A session key with its per-handle properties and sequence state.
struct SessionKey {
  Alg alg = Alg::aes256;
  SecretBytes key;
  Bytes id;  // key_id (8 bytes)
  Mode mode = Mode::cbc;
  Bytes iv;                        // base IV
  std::uint32_t next_out_seq = 1;  // next sequence number this side sends
  std::uint32_t last_in_seq = 0;   // last sequence number accepted from the peer
};
// Builds a SessionKey with defaults (CBC, zero IV of block length) and its key_id.
SessionKey make_session_key(CryptoProvider& crypto, Alg alg, ByteView key);
Bytes compute_key_id(CryptoProvider& crypto, Alg alg, ByteView key);

// Seals plaintext as one blob (docs/ski.md §5) and advances key.next_out_seq. nonce must be 8
// random bytes.
Bytes seal(CryptoProvider& crypto, SessionKey& key, std::uint8_t function, Direction dir,
           ByteView nonce, ByteView plaintext);

struct Opened {
  SecretBytes plaintext;
  std::uint32_t seq = 0;
};
// Checks and decrypts a blob without changing `key`; the caller records `seq` as last_in_seq
// once it has accepted the blob.
std::variant<Opened, Reject> open(CryptoProvider& crypto, const SessionKey& key,
                                  std::uint8_t function, Direction dir, ByteView blob);

// The key inside a BCRYPT_KEY_DATA_BLOB, held as a secret.
std::optional<SecretBytes> parse_key_data_blob(ByteView blob);

// Session key derivations (docs/ski.md §7).
SecretBytes derive_shared(CryptoProvider& crypto, ByteView shared_key, std::uint8_t number, Alg alg,
                          ByteView ns, ByteView nc);
SecretBytes derive_ecdh(CryptoProvider& crypto, ByteView z, Alg alg);

}  // namespace softcard::ski
