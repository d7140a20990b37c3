#include "softcard/harness/vpcd_card.h"

namespace softcard::harness {

vpcd::Reply FaultyVpcdCard::exchange(ByteView command) {
  Exchange ex = card_.exchange(command);
  ++apdus_;
  switch (ex.outcome) {
    case Outcome::answered:
      return {vpcd::Reply::Kind::bytes, std::move(ex.response), ex.delay};
    case Outcome::dropped:
      return {vpcd::Reply::Kind::drop_link, {}, {}};
    case Outcome::torn:
      return {vpcd::Reply::Kind::tear_power, {}, {}};
  }
  return {vpcd::Reply::Kind::drop_link, {}, {}};
}

}  // namespace softcard::harness
