#pragma once
// What the SKI extension's handler families share (docs/ski.md §6): the volatile session (key
// slots, DH agreements, the session PIN), status helpers and the handler declarations. One
// family per file; the dispatch table keyed by INS is in ski_extension.cpp.
#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "applets/gids/gids_api.h"
#include "applets/ski/ski_extension.h"
#include "softcard/apdu.h"
#include "softcard/applet.h"
#include "softcard/errors.h"
#include "softcard/ski_codec.h"

namespace softcard::ski {

struct SkiSession {
  std::array<std::optional<SessionKey>, session_slots> slots;
  std::array<std::optional<SecretBytes>, dh_slots> agreements;
  std::optional<SecretBytes> session_pin;  // the generated token
  std::optional<SecretBytes> real_pin;     // the user PIN it stands for

  // Power off, reset, deselect: everything above is forgotten.
  void reset();
  std::size_t free_slots() const;
  // Stores a session key in the first free slot and returns its reference (6A84 when full).
  std::uint8_t store_key(SessionKey key);
  // The session key with reference `ref` (6A88 when out of range or empty).
  SessionKey& slot(std::uint8_t ref);
};

using Handler = Response (*)(SkiSession&, const Command&, CardContext&, gids::GidsApi&);

[[noreturn]] inline void reject(Sw sw) {
  throw CardError(sw);
}
inline constexpr Sw sw_unwrap_failed = static_cast<Sw>(0x6988);

// 84 01 ref
Response key_ref_answer(std::uint8_t ref);
// Store key of shared symmetric key `number` ("ski/shared/<nn>").
std::string shared_key_name(std::uint8_t number);

// ski_slots.cpp: capabilities and session key handles.
Response capabilities(SkiSession&, const Command&, CardContext&, gids::GidsApi&);
Response set_property(SkiSession&, const Command&, CardContext&, gids::GidsApi&);
Response get_property(SkiSession&, const Command&, CardContext&, gids::GidsApi&);
Response destroy_key(SkiSession&, const Command&, CardContext&, gids::GidsApi&);
// ski_establish.cpp: session key establishment.
Response import_session_key(SkiSession&, const Command&, CardContext&, gids::GidsApi&);
Response shared_key(SkiSession&, const Command&, CardContext&, gids::GidsApi&);
Response construct_dh(SkiSession&, const Command&, CardContext&, gids::GidsApi&);
Response derive(SkiSession&, const Command&, CardContext&, gids::GidsApi&);
Response destroy_dh(SkiSession&, const Command&, CardContext&, gids::GidsApi&);
// ski_process.cpp: PROCESS ENCRYPTED DATA and its authentication functions.
Response process_encrypted(SkiSession&, const Command&, CardContext&, gids::GidsApi&);
// ski_import.cpp: CSF_IMPORT_KEYPAIR (the Microsoft key blobs inside the opened plaintext).
Response import_keypair(ByteView plaintext, CardContext& ctx, gids::GidsApi& gids);

}  // namespace softcard::ski
