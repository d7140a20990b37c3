#include "softcard/harness/faulty_card.h"

#include <algorithm>
#include <thread>
#include <variant>

#include "softcard/apdu.h"

namespace softcard::harness {

FaultyCard::FaultyCard(Card& card, SleepFn sleep) : card_(card), sleep_(std::move(sleep)) {}

std::uint64_t FaultyCard::add_rule(Rule rule) {
  std::string note;
  std::uint64_t id;
  {
    std::lock_guard lock(rules_mutex_);
    id = rule.id = next_rule_id_++;
    rule.matched = rule.fired = 0;
    if (rule.label.empty()) rule.label = describe(rule);
    note = "rule " + std::to_string(id) + " added: " + rule.label;
    rules_.push_back(std::move(rule));
  }
  record_simple(RecordKind::rule_added, std::move(note));
  return id;
}

bool FaultyCard::remove_rule(std::uint64_t id) {
  std::string note;
  {
    std::lock_guard lock(rules_mutex_);
    auto it =
        std::find_if(rules_.begin(), rules_.end(), [id](const Rule& r) { return r.id == id; });
    if (it == rules_.end()) return false;
    note = "rule " + std::to_string(id) + " removed: " + it->label + " (matched " +
           std::to_string(it->matched) + ", fired " + std::to_string(it->fired) + ")";
    rules_.erase(it);
  }
  record_simple(RecordKind::rule_removed, std::move(note));
  return true;
}

void FaultyCard::clear_rules() {
  std::vector<std::uint64_t> ids;
  {
    std::lock_guard lock(rules_mutex_);
    for (const auto& r : rules_) ids.push_back(r.id);
  }
  for (auto id : ids) remove_rule(id);
}

std::vector<Rule> FaultyCard::rules() const {
  std::lock_guard lock(rules_mutex_);
  return rules_;
}

std::optional<Rule> FaultyCard::rule(std::uint64_t id) const {
  std::lock_guard lock(rules_mutex_);
  for (const auto& r : rules_)
    if (r.id == id) return r;
  return std::nullopt;
}

void FaultyCard::set_latency(Latency latency) {
  {
    std::lock_guard lock(rules_mutex_);
    latency_ = latency;
  }
  record_simple(RecordKind::note,
                "latency profile: " + std::to_string(latency.per_command.count()) +
                    " us per command + " + std::to_string(latency.per_byte.count()) +
                    " us per byte");
}

Latency FaultyCard::latency() const {
  std::lock_guard lock(rules_mutex_);
  return latency_;
}

void FaultyCard::note(std::string text) {
  record_simple(RecordKind::note, std::move(text));
}

void FaultyCard::record_simple(RecordKind kind, std::string note) {
  Record r;
  r.kind = kind;
  r.start = Clock::now();
  r.note = std::move(note);
  trace_.add(std::move(r));
}

void FaultyCard::sleep(std::chrono::microseconds d) {
  if (d.count() <= 0) return;
  if (sleep_)
    sleep_(d);
  else
    std::this_thread::sleep_for(d);
}

Exchange FaultyCard::transmit(ByteView command) {
  Exchange ex = exchange(command);
  sleep(ex.delay);
  return ex;
}

Exchange FaultyCard::exchange(ByteView command) {
  std::lock_guard card_lock(card_mutex_);
  const auto start = Clock::now();

  // Which rules fire: decided on a snapshot, outside the rules lock, because a predicate may call
  // back into the front-end (Python) and must not hold a lock the front-end could want.
  std::vector<Rule> firing;
  Latency latency;
  {
    std::vector<Rule> candidates;
    {
      std::lock_guard lock(rules_mutex_);
      latency = latency_;
      if (!rules_.empty()) candidates = rules_;
    }
    std::vector<std::uint64_t> matched;
    for (const auto& r : candidates) {
      if (r.exhausted()) continue;
      bool m = false;
      try {
        m = r.match.matches(command);
      } catch (const std::exception& e) {
        record_simple(RecordKind::note,
                      "rule " + std::to_string(r.id) + " predicate failed: " + e.what());
      }
      if (m) matched.push_back(r.id);
    }
    if (!matched.empty()) {
      std::lock_guard lock(rules_mutex_);
      for (auto& r : rules_) {
        if (std::find(matched.begin(), matched.end(), r.id) == matched.end() || r.exhausted())
          continue;
        ++r.matched;
        if (r.matched <= r.skip) continue;
        ++r.fired;
        firing.push_back(r);
      }
    }
  }

  const bool tracing = trace_.recording() || static_cast<bool>(observer_);
  Record rec;
  rec.kind = RecordKind::apdu;
  rec.start = start;
  if (tracing) rec.command.assign(command.begin(), command.end());
  if (!tracing) {
    // Nothing to record or redact.
  } else if (auto parsed = parse_command(command); std::holds_alternative<Command>(parsed)) {
    const auto& cmd = std::get<Command>(parsed);
    if (card_.secret_data(cmd) && !cmd.data.empty()) {
      rec.redacted = true;
      // Data sits after the header and Lc (1 or 3 bytes); zero everything between them and Le.
      const std::size_t lc_len = cmd.extended ? 3 : 1;
      const std::size_t from = 4 + lc_len;
      for (std::size_t i = from; i < from + cmd.data.size() && i < rec.command.size(); ++i)
        rec.command[i] = 0;
    }
  }

  Exchange ex;
  bool card_runs = true;
  std::optional<Outcome> cut;
  std::chrono::microseconds extra_delay{0};
  std::optional<std::uint16_t> answer;
  std::vector<const Rule*> corruptions;
  bool tear_after = false;
  for (const auto& r : firing) {
    rec.faults.push_back(r.label);
    switch (r.action) {
      case Action::answer_sw:
        if (!answer && !cut) {
          answer = r.sw;
          card_runs = false;
        }
        break;
      case Action::delay:
        extra_delay += r.delay;
        break;
      case Action::corrupt:
        corruptions.push_back(&r);
        break;
      case Action::drop_link:
        if (!cut) {
          cut = Outcome::dropped;
          card_runs = false;
        }
        break;
      case Action::tear_before:
        if (!cut) {
          cut = Outcome::torn;
          card_runs = false;
        }
        break;
      case Action::tear_after:
        if (!cut) {
          cut = Outcome::torn;
          tear_after = true;
        }
        break;
    }
  }
  if (cut && *cut == Outcome::torn && !tear_after) card_runs = false;
  if (answer && cut && tear_after) card_runs = false;

  if (card_runs) {
    ex.response = card_.transmit(command);
  } else if (answer && !cut) {
    ex.response = {static_cast<std::uint8_t>(*answer >> 8), static_cast<std::uint8_t>(*answer)};
  }
  for (const Rule* r : corruptions) {
    if (ex.response.empty()) break;
    const auto n = static_cast<std::int64_t>(ex.response.size());
    std::int64_t at = r->corrupt_index < 0 ? n + r->corrupt_index : r->corrupt_index;
    if (at >= 0 && at < n) ex.response[static_cast<std::size_t>(at)] ^= r->corrupt_xor;
  }
  if (cut) {
    ex.outcome = *cut;
    ex.response.clear();
    if (*cut == Outcome::torn) card_.power_off();
  }

  ex.delay = extra_delay;
  if (latency.active())
    ex.delay += latency.per_command +
                latency.per_byte * static_cast<long>(command.size() + ex.response.size());

  if (tracing) {
    rec.response = ex.response;
    rec.outcome = ex.outcome;
    rec.duration = (Clock::now() - start) + ex.delay;  // as the reader sees it
    if (observer_ && !rec.faults.empty()) observer_(rec);
    trace_.add(std::move(rec));
  }
  return ex;
}

void FaultyCard::power_on() {
  {
    std::lock_guard lock(card_mutex_);
    card_.power_on();
  }
  record_simple(RecordKind::power_on, {});
}

void FaultyCard::power_off() {
  {
    std::lock_guard lock(card_mutex_);
    card_.power_off();
  }
  record_simple(RecordKind::power_off, {});
}

void FaultyCard::reset() {
  {
    std::lock_guard lock(card_mutex_);
    card_.reset();
  }
  record_simple(RecordKind::reset, {});
}

Bytes FaultyCard::atr() const {
  std::lock_guard lock(card_mutex_);
  return card_.atr();
}

bool FaultyCard::powered() const {
  std::lock_guard lock(card_mutex_);
  return card_.powered();
}

}  // namespace softcard::harness
