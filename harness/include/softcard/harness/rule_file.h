#pragma once
// The JSON fault-rule file of `softcard run --faults FILE` (format: docs/faults.md). Parsing is
// strict: any unknown field, wrong type or out-of-range value is an error that names the file and
// the field (e.g. "faults.json: rules[2].sw: ..."). A CI rig injects faults with it, no Python.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "softcard/harness/faulty_card.h"
#include "softcard/harness/rule.h"

namespace softcard::harness {

class FaultFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline constexpr int fault_file_version = 1;

struct FileRule {
  std::optional<std::size_t> card;  // only this card (0 = first image); nullopt = every card
  Rule rule;
};

struct FaultFile {
  std::string name;  // the file, for messages
  std::vector<FileRule> rules;
  std::optional<Latency> latency;

  // Throws FaultFileError naming the first rule whose "card" is >= `cards`.
  void check_cards(std::size_t cards) const;
  // Installs the rules meant for card `index` in file order, and the latency profile.
  void apply(std::size_t index, FaultyCard& card) const;
};

// `name` is used in error messages only.
FaultFile parse_fault_file(std::string_view name, std::string_view text);
// Reads and parses the file; unreadable files are a FaultFileError too.
FaultFile load_fault_file(const std::filesystem::path& path);

}  // namespace softcard::harness
