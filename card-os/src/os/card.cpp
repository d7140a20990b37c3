#include "softcard/card.h"

#include <algorithm>
#include <functional>
#include <stdexcept>

#include "os/default_atr.h"
#include "softcard/atr.h"
#include "softcard/errors.h"

namespace softcard {

class Card::Context final : public CardContext {
 public:
  explicit Context(Card& card) : card_(card) {}
  ObjectStore& store() override { return card_.store_; }
  Rng& rng() override { return *card_.options_.rng; }
  // Made on first use: a card whose applets never compute anything pays nothing for it.
  CryptoProvider& crypto() override {
    if (!crypto_) crypto_ = std::make_unique<CryptoProvider>(*card_.options_.rng);
    return *crypto_;
  }
  // Used for PIN retry counters: flushed to disk so a power cut never restores a try. A medium
  // that cannot take the write answers 6581 like any other failed write; the caller never gets
  // to compare.
  void persist_now(std::string_view key) override {
    try {
      card_.store_.commit_one(key);
    } catch (const ImageError& e) {
      card_.store_.rollback();
      card_.log(LogLevel::error,
                std::string("cannot persist ") + std::string(key) + ": " + e.what());
      throw CardError(Sw::memory_failure);
    }
  }
  void log(LogLevel level, std::string_view message) override { card_.log(level, message); }

 private:
  Card& card_;
  std::unique_ptr<CryptoProvider> crypto_;
};

Card::Card(std::unique_ptr<CardStore> store, CardOptions options)
    : store_(std::move(store)),
      options_(std::move(options)),
      context_(std::make_unique<Context>(*this)) {
  if (!options_.rng) throw std::invalid_argument("Card needs a random number generator");
  if (const Bytes* atr = store_.get(keys::atr); atr && !atr->empty())
    atr_ = *atr;
  else
    atr_ = default_atr();
}

Card::~Card() = default;

void Card::validate() const {
  const std::string image = store_.backend().describe();
  const auto fail = [&](const std::string& what) {
    throw ImageError("card image " + image + ": " + what);
  };
  if (const Bytes* atr = store_.get(keys::atr); atr && !atr->empty())
    if (const std::string why = atr_problem(*atr); !why.empty())
      fail(std::string("record ") + keys::atr + ": not a valid ATR (" + to_hex(*atr) + "): " + why);
  if (const Bytes* lcs = store_.get(keys::life_cycle)) {
    const auto known = {LifeCycle::creation, LifeCycle::initialisation, LifeCycle::operational,
                        LifeCycle::deactivated, LifeCycle::terminated};
    if (lcs->size() != 1 || std::none_of(known.begin(), known.end(), [&](LifeCycle l) {
          return static_cast<std::uint8_t>(l) == (*lcs)[0];
        }))
      fail(std::string("record ") + keys::life_cycle + ": not a life cycle byte");
  }
  for (const auto& a : applets_) {
    try {
      a->validate(store_);
    } catch (const ImageError& e) {
      fail(e.what());
    }
  }
}

void Card::install(std::unique_ptr<Applet> applet) {
  if (!applet) throw std::invalid_argument("null applet");
  if (find_applet(applet->name()))
    throw std::invalid_argument("applet installed twice: " + std::string(applet->name()));
  applets_.push_back(std::move(applet));
  if (!default_applet_) default_applet_ = applets_.back().get();
}

void Card::set_default_applet(std::string_view name) {
  Applet* a = find_applet(name);
  if (!a) throw std::invalid_argument("no such applet: " + std::string(name));
  default_applet_ = a;
}

Applet* Card::find_applet(std::string_view name) const {
  for (const auto& a : applets_)
    if (a->name() == name) return a.get();
  return nullptr;
}

void Card::log(LogLevel level, std::string_view message) {
  if (options_.log) options_.log(level, message);
}

void Card::clear_volatile() {
  has_pending_ = false;
  pending_response_.clear();
  chain_.reset();
  store_.rollback();
  for (auto& a : applets_) a->clear_volatile();
}

void Card::power_on() {
  clear_volatile();
  powered_ = true;
  selected_ = default_applet_;
  if (selected_) selected_->select_implicitly(*context_);
}

void Card::power_off() {
  clear_volatile();
  powered_ = false;
  selected_ = nullptr;
}

void Card::reset() {
  power_on();
}

bool Card::secret_data(const Command& cmd) const {
  if (carries_secret(cmd)) return true;
  return !cmd.data.empty() && selected_ && selected_->secret_data(cmd);
}

Bytes Card::transmit(ByteView raw) noexcept {
  try {
    const auto start = std::chrono::steady_clock::now();
    if (!powered_) power_on();
    Response r;
    std::optional<Command> cmd;
    bool secret = false;
    auto parsed = parse_command(raw);
    if (const Sw* err = std::get_if<Sw>(&parsed)) {
      chain_.reset();
      has_pending_ = false;
      r = *err;
    } else {
      cmd = std::move(std::get<Command>(parsed));
      secret = secret_data(*cmd);  // asked of the applet selected before the command
      r = dispatch(*cmd);
    }
    Bytes out = r.to_bytes();
    if (options_.trace) {
      TraceEvent ev;
      ev.command.assign(raw.begin(), raw.end());
      if (cmd && secret) {
        // Zero the data field in place: header and length bytes stay readable.
        const std::size_t header = cmd->extended ? 7 : 5;
        for (std::size_t i = header; i < header + cmd->data.size() && i < ev.command.size(); ++i)
          ev.command[i] = 0;
        ev.redacted = true;
      }
      ev.response = out;
      ev.name = cmd ? command_name(*cmd) : "MALFORMED";
      ev.sw = r.sw;
      ev.start = start;
      ev.duration = std::chrono::steady_clock::now() - start;
      options_.trace(ev);
    }
    return out;
  } catch (const std::exception& e) {
    try {
      store_.rollback();
      log(LogLevel::error, std::string("internal error outside any command: ") + e.what());
    } catch (...) {
    }
  } catch (...) {
  }
  return {0x6F, 0x00};
}

Response Card::dispatch(const Command& cmd) {
  if (cmd.cla == 0xFF) return Sw::cla_not_supported;
  if (cmd.interindustry()) {
    const bool further = (cmd.cla & 0x40) != 0;
    if (further ? (cmd.cla & 0x0F) != 0 : (cmd.cla & 0x03) != 0) {
      chain_.reset();
      return Sw::logical_channel_not_supported;
    }
    if (!further && (cmd.cla & 0x0C) != 0) {
      chain_.reset();
      return Sw::secure_messaging_not_supported;
    }
    if (further && (cmd.cla & 0x20) != 0) return Sw::secure_messaging_not_supported;
  }

  if (cmd.interindustry() && cmd.ins == 0xC0 && !chain_) return get_response(cmd);
  has_pending_ = false;
  pending_response_.clear();

  if (cmd.chained()) {
    if (chain_ && (chain_->ins != cmd.ins || chain_->p1 != cmd.p1 || chain_->p2 != cmd.p2)) {
      chain_.reset();
      return Sw::last_command_expected;
    }
    if (!chain_) {
      chain_ = cmd;
      chain_->cla &= static_cast<std::uint8_t>(~0x10);
    } else {
      append(chain_->data, cmd.data);
    }
    if (chain_->data.size() > options_.max_chained_command) {
      chain_.reset();
      return Sw::wrong_length;
    }
    return Sw::ok;
  }
  if (chain_) {
    Command whole = std::move(*chain_);
    chain_.reset();
    if (whole.ins == cmd.ins && whole.p1 == cmd.p1 && whole.p2 == cmd.p2) {
      append(whole.data, cmd.data);
      whole.ne = cmd.ne;
      whole.extended = whole.extended || cmd.extended;
      return dispatch(whole);
    }
    // A different command in the middle of a chain aborts the chain and is not run: the host
    // learns its chain was lost instead of seeing an unrelated command answer (docs/ski.md D3).
    return Sw::last_command_expected;
  }

  if (const Bytes* lcs = store_.get(keys::life_cycle);
      lcs && lcs->size() == 1 && (*lcs)[0] == static_cast<std::uint8_t>(LifeCycle::terminated))
    return Sw::function_not_supported;

  if (cmd.interindustry() && cmd.ins == 0xA4 && cmd.p1 == 0x04 && !cmd.data.empty())
    return select_by_aid(cmd);
  if (!selected_)
    return cmd.ins == 0xA4 ? Response(Sw::file_not_found) : Response(Sw::ins_not_supported);
  return run_command(cmd);
}

Response Card::transact(const Command& cmd, Applet& applet, const std::function<Response()>& body) {
  // One command, one transaction: whatever the applet wrote becomes durable only when it
  // answers success; a failure status, a CardError or any other exception undoes all of it.
  Response r;
  try {
    r = body();
  } catch (const CardError& e) {
    store_.rollback();
    return e.sw();
  } catch (const std::exception& e) {
    store_.rollback();
    log(LogLevel::error, std::string(command_name(cmd)) + " failed inside " +
                             std::string(applet.name()) + ": " + e.what());
    return Sw::unknown;
  }
  if (!is_success(r.sw)) {
    store_.rollback();
    return r;
  }
  try {
    store_.commit();
  } catch (const std::exception& e) {
    store_.rollback();
    log(LogLevel::error, std::string("cannot persist ") + command_name(cmd) + ": " + e.what());
    return Sw::memory_failure;
  }
  return r;
}

Response Card::run_command(const Command& cmd) {
  return deliver(cmd,
                 transact(cmd, *selected_, [&] { return selected_->process(cmd, *context_); }));
}

Response Card::select_by_aid(const Command& cmd) {
  const ByteView wanted(cmd.data);
  Applet* match = nullptr;
  for (const auto& a : applets_) {
    const Bytes& aid = a->aid();
    if (aid.size() < wanted.size() || !std::equal(wanted.begin(), wanted.end(), aid.begin()))
      continue;
    if (aid.size() == wanted.size()) {  // an exact match wins over a partial one
      match = a.get();
      break;
    }
    if (!match) match = a.get();
  }
  if (!match) {
    // Not an applet: the current applet may know the name (a DF name inside its file system).
    if (!selected_) return Sw::file_not_found;
    return run_command(cmd);
  }
  Applet* previous = selected_;
  Response r = transact(cmd, *match, [&] { return match->select(cmd, *context_); });
  if (!is_success(r.sw)) return r;  // selection unchanged
  if (previous && previous != match) previous->deselect(*context_);
  selected_ = match;
  return deliver(cmd, std::move(r));
}

Response Card::deliver(const Command& cmd, Response r) {
  const std::size_t limit = cmd.ne ? *cmd.ne : (cmd.extended ? 65536 : 256);
  if (r.data.size() <= limit) return r;
  // ISO 7816-3/-4: a short case-2 command asking for too little gets 6Cxx with the exact
  // length, so the host can repeat it; anything else is chained out with 61xx.
  if (!cmd.extended && cmd.ne && cmd.data.empty() && r.data.size() <= 256 && r.sw == Sw::ok)
    return sw_wrong_le(r.data.size());
  const std::size_t first = limit;
  pending_response_.assign(r.data.begin() + static_cast<std::ptrdiff_t>(first), r.data.end());
  pending_sw_ = r.sw;
  has_pending_ = true;
  r.data.resize(first);
  r.sw = sw_bytes_remaining(pending_response_.size());
  return r;
}

Response Card::get_response(const Command& cmd) {
  if (!has_pending_) return Sw::conditions_not_satisfied;
  if (cmd.p1 != 0 || cmd.p2 != 0) return Sw::wrong_p1p2;
  const std::size_t ne = cmd.ne ? *cmd.ne : 256;
  const std::size_t n = std::min(ne, pending_response_.size());
  Response r(
      Bytes(pending_response_.begin(), pending_response_.begin() + static_cast<std::ptrdiff_t>(n)));
  pending_response_.erase(pending_response_.begin(),
                          pending_response_.begin() + static_cast<std::ptrdiff_t>(n));
  if (pending_response_.empty()) {
    r.sw = pending_sw_;
    has_pending_ = false;
  } else {
    r.sw = sw_bytes_remaining(pending_response_.size());
  }
  return r;
}

}  // namespace softcard
