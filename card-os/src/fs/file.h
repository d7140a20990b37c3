#pragma once
// ISO 7816-4 files as values: header (FID, type, DF name, life cycle, size, access rules) and
// the FCP (tag 62) encoding of a header. Knows nothing about APDUs.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "security/access.h"
#include "softcard/bytes.h"
#include "softcard/card.h"

namespace softcard::fs {

inline constexpr std::uint16_t mf_fid = 0x3F00;
// A path from the MF: {3F00, 5000, 5001}. Never empty for an existing file.
using Path = std::vector<std::uint16_t>;
std::string to_string(const Path& path);  // "3F00/5000/5001"

enum class FileType : std::uint8_t {
  df = 0x38,           // FCP 82: DF
  transparent = 0x01,  // FCP 82: working EF, transparent structure
};

enum class Operation : std::uint8_t {
  read = 0,
  update,
  delete_file,
  create,  // DF only: create a child
  activate,
  deactivate,
  terminate,
};
inline constexpr std::size_t operation_count = 7;
const char* to_string(Operation op);

// One condition per operation; default: never.
struct AccessRules {
  std::array<security::AccessCondition, operation_count> by_op{};
  const security::AccessCondition& operator[](Operation op) const {
    return by_op[static_cast<std::size_t>(op)];
  }
  security::AccessCondition& operator[](Operation op) {
    return by_op[static_cast<std::size_t>(op)];
  }
  static AccessRules all(const security::AccessCondition& c);
  friend bool operator==(const AccessRules&, const AccessRules&) = default;
};

struct FileHeader {
  std::uint16_t fid = 0;
  FileType type = FileType::transparent;
  Bytes df_name;  // DF only; empty = none
  LifeCycle life_cycle = LifeCycle::operational;
  std::uint16_t size = 0;  // transparent EF: number of data bytes (fixed)
  AccessRules rules;

  bool is_df() const { return type == FileType::df; }
  friend bool operator==(const FileHeader&, const FileHeader&) = default;
};

// The one place where access to a file is decided: life cycle first (deactivated -> 6985,
// terminated -> 6A81), then the operation's access condition (6982). Files in creation or
// initialisation state are being personalised: their conditions do not apply yet.
void check_access(const FileHeader& file, Operation op, const security::SecurityState& state);

// FCP: 62 L { [80 02 size] 82 01 desc 83 02 fid [84 n name] 8A 01 lcs AB L {...} }.
Bytes encode_fcp(const FileHeader& file);
// FCI: same data objects under tag 6F.
Bytes encode_fci(const FileHeader& file);
// Parses the CREATE FILE data field; throws CardError (6A80 malformed / unsupported values,
// 6A85 length inconsistent with TLV). Missing 82 -> transparent EF; missing 83 -> 6A80.
FileHeader parse_fcp(ByteView fcp);

// Security attributes, expanded format (AB) contents, exposed for tests and docs.
Bytes encode_security_attributes(const FileHeader& file);
AccessRules parse_security_attributes(ByteView ab_value, bool is_df);

}  // namespace softcard::fs
