// One text rendering of an AppletInspection, for `softcard inspect` and Python's describe().
#include "softcard/inspection.h"

#include <cstdio>

namespace softcard {

std::string render(const AppletInspection& in) {
  std::string out;
  if (!in.summary.empty()) out += in.summary + "\n";
  for (const auto& f : in.files) {
    // Indented by depth, each level showing its own FID.
    const std::size_t depth = (f.path.size() + 1) / 5;
    const std::string indent(2 * depth, ' ');
    out += indent + f.path.substr(f.path.size() >= 4 ? f.path.size() - 4 : 0);
    out += f.df ? "  DF" : "  EF size " + std::to_string(f.size);
    if (!f.df_name.empty()) out += " name " + to_hex(f.df_name);
    out += "  " + f.life_cycle + "\n";
    if (!f.access.empty()) out += indent + "     " + f.access + "\n";
  }
  for (const auto& p : in.pins) {
    char line[160];
    std::snprintf(line, sizeof line, "  %s 0x%02X: %u of %u tries left, length %u..%u%s\n",
                  p.label.c_str(), p.reference, p.tries_left, p.max_tries, p.min_length,
                  p.max_length, p.blocked() ? ", BLOCKED" : "");
    out += line;
  }
  for (const auto& s : in.sections)
    for (const auto& item : s.items)
      out += std::string(2 + 2 * static_cast<std::size_t>(item.level), ' ') + item.name +
             (item.value.empty() ? "" : ": " + item.value) + "\n";
  for (const auto& c : in.containers) {
    if (!c.valid()) continue;  // only valid records are containers
    out += "  container " + std::to_string(c.index) + ": " +
           (c.kx_key_bits ? "key exchange " : "signature ") +
           std::to_string(c.kx_key_bits ? c.kx_key_bits : c.sig_key_bits) + " bits" +
           ((c.flags & 0x02) ? " (default)" : "") + "\n";
  }
  for (const auto& n : in.notes) out += "  " + n + "\n";
  return out;
}

}  // namespace softcard
