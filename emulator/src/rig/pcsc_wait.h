#pragma once
// The PC/SC side of `softcard rig`: wait (on pcscd's own events, never a fixed sleep) until the
// expected readers exist and the expected cards are present.
#include <chrono>
#include <string>
#include <vector>

namespace softcard::cli {

// Both throw std::runtime_error with the PC/SC error text on failure or when the deadline passes.
// Every reader in `readers` exists (pcscd has initialised all of them).
void wait_for_readers(const std::vector<std::string>& readers,
                      std::chrono::steady_clock::time_point deadline);
// Every reader in `with_card` reports a present card.
void wait_for_cards(const std::vector<std::string>& with_card,
                    std::chrono::steady_clock::time_point deadline);

}  // namespace softcard::cli
