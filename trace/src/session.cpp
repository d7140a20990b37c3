#include "softcard/trace/session.h"

#include <algorithm>
#include <map>
#include <variant>

#include "softcard/apdu.h"

namespace softcard::trace {

namespace {

std::uint16_t sw_of(const Bytes& r) {
  return r.size() >= 2 ? static_cast<std::uint16_t>((r[r.size() - 2] << 8) | r.back()) : 0;
}

std::optional<Command> parsed(const Bytes& raw) {
  auto p = parse_command(raw);
  if (auto* c = std::get_if<Command>(&p)) return std::move(*c);
  return std::nullopt;
}

// Per card: the open chain and the last complete exchange (for GET RESPONSE and 6Cxx).
struct CardState {
  std::optional<Command> chain;
  Exchange pending;  // the chain being assembled
  int last = -1;     // index into exchanges of the last finished exchange
};

void add_part(Exchange& x, const Event& e, std::size_t index) {
  if (x.parts.empty()) {
    x.t_ns = e.t_ns;
    x.card = e.card;
    x.reader = e.reader;
  }
  x.parts.push_back(index);
  x.end_ns = std::max(x.end_ns, e.t_ns + e.dur_ns);
  x.card_ns += e.dur_ns;
  x.redacted = x.redacted || e.redacted;
  x.faults.insert(x.faults.end(), e.faults.begin(), e.faults.end());
  if (e.outcome != "answered") x.outcome = e.outcome;
}

}  // namespace

std::string process_label(const Event& e) {
  if (e.pid == 0 && e.process.empty()) return "host";
  return (e.process.empty() ? std::string("process") : e.process) +
         (e.pid ? " (pid " + std::to_string(e.pid) + ")" : "");
}

Session build_session(std::vector<Event> events) {
  Session s;
  sort_by_time(events);
  s.events = std::move(events);
  std::map<std::string, CardState> cards;
  for (std::size_t i = 0; i < s.events.size(); ++i) {
    const Event& e = s.events[i];
    if (i == 0 || e.t_ns < s.start_ns) s.start_ns = e.t_ns;
    s.end_ns = std::max(s.end_ns, e.t_ns + e.dur_ns);
    if (e.kind == Kind::call) {
      s.calls.push_back({i, 0, 0, -1});
      continue;
    }
    if (e.kind == Kind::step) {
      s.steps.push_back(i);
      continue;
    }
    if (e.kind == Kind::power_on || e.kind == Kind::power_off || e.kind == Kind::reset ||
        e.kind == Kind::remove) {
      cards[e.card] = CardState{};
      continue;
    }
    if (e.kind != Kind::apdu) continue;
    CardState& st = cards[e.card];
    const auto cmd = parsed(e.command);
    const std::uint16_t sw = sw_of(e.response);
    // GET RESPONSE after 61xx, or the same command again after 6Cxx: part of the last exchange.
    if (cmd && st.last >= 0 && !st.chain) {
      Exchange& prev = s.exchanges[static_cast<std::size_t>(st.last)];
      const std::uint16_t prev_sw = sw_of(prev.response);
      const bool get_response = cmd->interindustry() && cmd->ins == 0xC0 && (prev_sw >> 8) == 0x61;
      const bool retry = (prev_sw >> 8) == 0x6C && prev.parts.size() == 1 &&
                         s.events[prev.parts[0]].command.size() >= 4 && e.command.size() >= 4 &&
                         std::equal(e.command.begin(), e.command.begin() + 4,
                                    s.events[prev.parts[0]].command.begin());
      if (get_response || retry) {
        add_part(prev, e, i);
        Bytes joined(prev.response.begin(), prev.response.end() - 2);
        if (retry) joined.clear();
        joined.insert(joined.end(), e.response.begin(), e.response.end());
        if (e.response.empty()) joined.clear();
        prev.response = std::move(joined);
        continue;
      }
    }
    st.last = -1;
    if (cmd && cmd->chained()) {
      if (st.chain &&
          (st.chain->ins != cmd->ins || st.chain->p1 != cmd->p1 || st.chain->p2 != cmd->p2)) {
        // A broken chain stands on its own.
        st.pending.command = encode(*st.chain);
        s.exchanges.push_back(std::move(st.pending));
        st.pending = Exchange{};
        st.chain.reset();
      }
      if (!st.chain) {
        st.chain = *cmd;
      } else {
        append(st.chain->data, cmd->data);
      }
      add_part(st.pending, e, i);
      st.pending.response = e.response;
      if (sw != 0x9000) {  // the card refused a block: the chain ends here
        st.pending.command = e.command;
        s.exchanges.push_back(std::move(st.pending));
        st.pending = Exchange{};
        st.chain.reset();
        st.last = static_cast<int>(s.exchanges.size()) - 1;
      }
      continue;
    }
    Exchange x;
    if (st.chain && cmd && cmd->ins == st.chain->ins && cmd->p1 == st.chain->p1 &&
        cmd->p2 == st.chain->p2) {
      x = std::move(st.pending);
      Command whole = *st.chain;
      whole.cla = cmd->cla;
      append(whole.data, cmd->data);
      whole.ne = cmd->ne;
      whole.extended = whole.data.size() > 255 || (whole.ne && *whole.ne > 256);
      add_part(x, e, i);
      x.command = encode(whole);
    } else {
      if (st.chain) {
        st.pending.command = encode(*st.chain);
        s.exchanges.push_back(std::move(st.pending));
      }
      add_part(x, e, i);
      x.command = e.command;
    }
    st.pending = Exchange{};
    st.chain.reset();
    x.response = e.response;
    s.exchanges.push_back(std::move(x));
    st.last = static_cast<int>(s.exchanges.size()) - 1;
  }
  for (auto& [card, st] : cards)
    if (st.chain) {
      st.pending.command = encode(*st.chain);
      s.exchanges.push_back(std::move(st.pending));
    }
  std::stable_sort(s.exchanges.begin(), s.exchanges.end(),
                   [](const Exchange& a, const Exchange& b) { return a.t_ns < b.t_ns; });

  // Decode in time order, one decoder per card (SELECT context). Power events reset it.
  std::map<std::string, Decoder> decoders;
  {
    std::size_t next_event = 0;
    for (std::size_t k = 0; k < s.exchanges.size(); ++k) {
      Exchange& x = s.exchanges[k];
      x.number = k + 1;
      for (; next_event < s.events.size() && s.events[next_event].t_ns < x.t_ns; ++next_event) {
        const Event& e = s.events[next_event];
        if (e.kind == Kind::power_on || e.kind == Kind::power_off || e.kind == Kind::reset)
          decoders[e.card].power_event();
      }
      x.decoded = decoders[x.card].decode(x.command, x.response, x.redacted);
      if (std::find(s.applets.begin(), s.applets.end(), x.decoded.applet) == s.applets.end())
        s.applets.push_back(x.decoded.applet);
    }
  }

  // Calls: depth within their process; exchanges go to the outermost call around them.
  for (auto& c : s.calls) {
    const Event& e = s.events[c.event];
    for (const auto& o : s.calls) {
      const Event& oe = s.events[o.event];
      if (&o == &c || oe.pid != e.pid) continue;
      if (oe.t_ns <= e.t_ns && e.t_ns + e.dur_ns <= oe.t_ns + oe.dur_ns &&
          (oe.t_ns < e.t_ns || oe.dur_ns > e.dur_ns || o.event < c.event))
        ++c.depth;
    }
    const std::string label = process_label(e);
    if (std::find(s.processes.begin(), s.processes.end(), label) == s.processes.end())
      s.processes.push_back(label);
  }
  for (auto& x : s.exchanges) {
    for (std::size_t k = 0; k < s.calls.size(); ++k) {
      const Event& e = s.events[s.calls[k].event];
      if (s.calls[k].depth == 0 && e.t_ns <= x.t_ns && x.t_ns <= e.t_ns + e.dur_ns) {
        x.call = static_cast<int>(k);
        ++s.calls[k].exchanges;
        break;
      }
    }
  }
  // A step record closes its step: what happened since the previous step belongs to it.
  auto step_of = [&](std::int64_t t) {
    for (std::size_t k = 0; k < s.steps.size(); ++k)
      if (t <= s.events[s.steps[k]].t_ns) return static_cast<int>(k);
    return -1;
  };
  for (auto& x : s.exchanges) x.step = step_of(x.t_ns);
  for (auto& c : s.calls) c.step = step_of(s.events[c.event].t_ns);
  return s;
}

}  // namespace softcard::trace
