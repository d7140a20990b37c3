#include "py_applet.h"

#include <stdexcept>

#include "softcard/errors.h"

namespace softcard::py {

AppletCore::AppletCore(std::string name)
    : name_(std::move(name)),
      prefix_(kit::applet_prefix(name_)),
      pins_(prefix_ + "pin/"),
      keys_(prefix_ + "key/") {}

CardContext& AppletCore::ctx() const {
  if (!ctx_)
    throw std::runtime_error("applet '" + name_ +
                             "': the card is usable only while it runs one of this applet's "
                             "commands (select, process, deselect, personalize)");
  if (owner_ != std::this_thread::get_id())
    throw std::runtime_error("applet '" + name_ +
                             "': called from another thread than the command's");
  return *ctx_;
}

AppletCore::Scope::Scope(AppletCore& core, CardContext& ctx)
    : core_(core), previous_(core.ctx_), previous_owner_(core.owner_) {
  core_.ctx_ = &ctx;
  core_.owner_ = std::this_thread::get_id();
}

AppletCore::Scope::~Scope() {
  core_.ctx_ = previous_;
  core_.owner_ = previous_owner_;
}

pyb::object status_word_error_type() {
  return pyb::module_::import("softcard.applet").attr("StatusWordError");
}

namespace {

Sw checked_sw(long long value) {
  const bool valid = (value >= 0x6100 && value <= 0x6FFF) || (value >= 0x9000 && value <= 0x9FFF);
  if (!valid)
    throw std::invalid_argument("not a status word (61xx..6Fxx or 9xxx): " + std::to_string(value));
  return static_cast<Sw>(value);
}

Bytes bytes_of(const pyb::handle& value) {
  const std::string s = pyb::bytes(pyb::reinterpret_borrow<pyb::object>(value));
  return Bytes(s.begin(), s.end());
}

bool bytes_like(const pyb::handle& v) {
  return PyBytes_Check(v.ptr()) || PyByteArray_Check(v.ptr()) || PyMemoryView_Check(v.ptr());
}

// A Python exception as one line for the card's log, with the innermost frame when there is one.
std::string describe(pyb::error_already_set& e) {
  return e.what();
}

}  // namespace

Response to_response(const pyb::handle& value) {
  if (value.is_none()) return Sw::ok;
  if (bytes_like(value)) return Response(bytes_of(value), Sw::ok);
  if (PyLong_Check(value.ptr())) return checked_sw(value.cast<long long>());
  if (PyTuple_Check(value.ptr())) {
    const auto t = value.cast<pyb::tuple>();
    if (t.size() == 2 && bytes_like(t[0]) && PyLong_Check(t[1].ptr()))
      return Response(bytes_of(t[0]), checked_sw(t[1].cast<long long>()));
  } else if (pyb::hasattr(value, "data") && pyb::hasattr(value, "sw")) {
    return Response(bytes_of(value.attr("data")), checked_sw(value.attr("sw").cast<long long>()));
  }
  throw std::invalid_argument(
      "an applet answers None, bytes, an int status word, (bytes, sw) or a Response, not " +
      std::string(pyb::str(value.get_type().attr("__name__"))));
}

PyApplet::PyApplet(pyb::object obj, std::shared_ptr<AppletCore> core, Bytes aid)
    : core_(std::move(core)), aid_(std::move(aid)), obj_(std::move(obj)) {
  select_ = obj_.attr("select");
  process_ = obj_.attr("process");
  deselect_ = obj_.attr("deselect");
  reset_ = obj_.attr("reset");
  for (const auto ins : obj_.attr("secret_ins")) secret_ins_.set(ins.cast<std::uint8_t>());
}

PyApplet::~PyApplet() {
  if (!Py_IsInitialized()) {  // interpreter gone: leak rather than crash
    for (auto* o : {&obj_, &select_, &process_, &deselect_, &reset_}) o->release();
    return;
  }
  pyb::gil_scoped_acquire gil;
  obj_ = select_ = process_ = deselect_ = reset_ = pyb::object();
}

Response PyApplet::call(const pyb::object& method, const Command& cmd, CardContext& ctx) {
  pyb::gil_scoped_acquire gil;
  AppletCore::Scope scope(*core_, ctx);
  deliver_pending(ctx);
  try {
    return to_response(method(cmd));
  } catch (pyb::error_already_set& e) {
    if (e.matches(status_word_error_type())) {
      const auto sw = e.value().attr("sw").cast<long long>();
      try {
        throw CardError(checked_sw(sw));
      } catch (const std::invalid_argument&) {
        throw std::runtime_error("StatusWordError with " + std::to_string(sw));
      }
    }
    // Any other exception: 6F00 and everything the command wrote rolled back (Card::transact).
    throw std::runtime_error("Python raised " + describe(e));
  }
}

void PyApplet::deliver_pending(CardContext& ctx) {
  // Power events and the selection of another applet are only noted when they happen (they must
  // not wait for the GIL); Python hears of them here, before the applet's next command.
  const auto notify = [&](const pyb::object& method, const char* what) {
    try {
      method();
    } catch (pyb::error_already_set& e) {
      ctx.log(LogLevel::error, core_->name() + ": " + what + "() raised " + describe(e));
    }
  };
  if (deselected_.exchange(false)) notify(deselect_, "deselect");
  if (reset_pending_.exchange(false)) notify(reset_, "reset");
}

Response PyApplet::select(const Command& cmd, CardContext& ctx) {
  return call(select_, cmd, ctx);
}

Response PyApplet::process(const Command& cmd, CardContext& ctx) {
  return call(process_, cmd, ctx);
}

void PyApplet::deselect(CardContext&) {
  deselected_ = true;
}

void PyApplet::clear_volatile() {
  core_->pins().clear();
  deselected_ = false;  // a reset says more
  reset_pending_ = true;
}

AppletInspection PyApplet::inspect(const ObjectStore& store) const {
  AppletInspection out;
  out.summary = "Python applet " + core_->name() + ", AID " + to_hex(aid_);
  out.pins = core_->pins().inspect(store);
  InspectionSection records{"records", {}};
  const std::string& prefix = core_->prefix();
  for (const auto& key : store.keys(prefix)) {
    const Bytes* value = store.get(key);
    InspectionItem item;
    item.name = key.substr(prefix.size());
    item.value =
        store.is_secret(key) ? "secret" : std::to_string(value ? value->size() : 0) + " bytes";
    records.items.push_back(std::move(item));
  }
  out.sections.push_back(std::move(records));
  return out;
}

void PyApplet::personalize_if_new(ObjectStore& store, Rng& rng) {
  if (!store.keys(core_->prefix()).empty()) return;
  kit::SetupContext ctx(store, rng);
  try {
    AppletCore::Scope scope(*core_, ctx);
    obj_.attr("personalize")();
    store.commit(true);
  } catch (...) {
    store.rollback();
    throw;
  }
}

}  // namespace softcard::py
