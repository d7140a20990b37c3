#include "run_faults.h"

#include <spdlog/spdlog.h>

#include "softcard/harness/faulty_card.h"
#include "softcard/harness/vpcd_card.h"

namespace softcard::cli {

namespace {

// Owns the fault layer of one card and serves it (without rules: only for the trace sink).
class FaultFront final : public vpcd::VirtualCard {
 public:
  FaultFront(Card& card, const harness::FaultFile* file, std::size_t index, std::string label,
             harness::RecordSink sink)
      : faulty_(card), served_(faulty_) {
    faulty_.trace().set_enabled(false);  // a long run would only fill it; faults are logged
    if (sink) faulty_.trace().set_sink(std::move(sink));
    faulty_.set_fault_observer([label = std::move(label)](const harness::Record& r) {
      // Header only: command data may be secret (it is redacted in the record anyway).
      const ByteView header(r.command.data(), std::min<std::size_t>(4, r.command.size()));
      std::string faults;
      for (const auto& f : r.faults) faults += (faults.empty() ? "" : "; ") + f;
      // Only the status word of the answer: data could be anything the card returns.
      const bool answered = r.outcome == harness::Outcome::answered && r.response.size() >= 2;
      spdlog::info("{}: fault on {}: {} -> {}", label, to_hex(header), faults,
                   answered ? "answered SW " + to_hex(ByteView(r.response).last(2))
                            : std::string(harness::to_string(r.outcome)));
    });
    if (file) file->apply(index, faulty_);
  }

  void power_on() override { served_.power_on(); }
  void power_off() override { served_.power_off(); }
  void reset() override { served_.reset(); }
  Bytes atr() override { return served_.atr(); }
  Bytes transmit(ByteView command) override { return served_.transmit(command); }
  vpcd::Reply exchange(ByteView command) override { return served_.exchange(command); }

 private:
  harness::FaultyCard faulty_;
  harness::FaultyVpcdCard served_;
};

}  // namespace

std::unique_ptr<vpcd::VirtualCard> make_fault_front(Card& card, const harness::FaultFile* file,
                                                    std::size_t index, std::string label,
                                                    harness::RecordSink sink) {
  return std::make_unique<FaultFront>(card, file, index, std::move(label), std::move(sink));
}

}  // namespace softcard::cli
