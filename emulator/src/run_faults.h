#pragma once
// `softcard run --faults FILE`: each served card gets the fault harness (harness/) in front of it,
// with the rules of the JSON rule file meant for it (docs/faults.md). Fired faults are logged.
#include <cstddef>
#include <memory>
#include <string>

#include "softcard/card.h"
#include "softcard/harness/rule_file.h"
#include "softcard/harness/trace.h"
#include "softcard/vpcd/virtual_card.h"

namespace softcard::cli {

// The VirtualCard the bridge serves for card `index` (label used in log lines).
// `file`: the rules (null: none, the front then serves only the trace); `sink`: --trace-file's
// stream of the card's trace (none when empty).
std::unique_ptr<vpcd::VirtualCard> make_fault_front(Card& card, const harness::FaultFile* file,
                                                    std::size_t index, std::string label,
                                                    harness::RecordSink sink = {});

}  // namespace softcard::cli
