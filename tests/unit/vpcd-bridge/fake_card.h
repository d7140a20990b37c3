#pragma once
// A card for bridge tests: scripted answers, a counter of every call, injectable failures, and a
// "PIN verified" flag that power off / reset clear (volatile) and a committed counter that they
// don't.
#include <atomic>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <vector>

#include "softcard/vpcd/virtual_card.h"

namespace softcard::vpcd::testing {

class FakeCard : public VirtualCard {
 public:
  Bytes atr_value{0x3B, 0x80, 0x80, 0x01, 0x01};
  std::atomic<int> power_ons{0}, power_offs{0}, resets{0}, atrs{0}, apdus{0};
  std::atomic<bool> verified{false};
  std::atomic<int> committed{0};
  std::atomic<bool> throw_on_transmit{false};
  std::atomic<bool> throw_on_atr{false};
  std::atomic<bool> powered{false};
  std::mutex mutex;
  std::vector<Bytes> received;
  std::optional<Reply> next_reply;  // under `mutex`: the next exchange() answers this instead

  void script(Reply reply) {
    std::lock_guard lock(mutex);
    next_reply = std::move(reply);
  }
  Reply exchange(ByteView command) override {
    {
      std::lock_guard lock(mutex);
      if (next_reply) {
        Reply r = std::move(*next_reply);
        next_reply.reset();
        ++apdus;
        return r;
      }
    }
    return VirtualCard::exchange(command);
  }

  void power_on() override {
    ++power_ons;
    powered = true;
    verified = false;
  }
  void power_off() override {
    ++power_offs;
    powered = false;
    verified = false;
  }
  void reset() override {
    ++resets;
    verified = false;
  }
  Bytes atr() override {
    ++atrs;
    if (throw_on_atr) throw std::runtime_error("atr broken");
    return atr_value;
  }
  // 00 20 ..: VERIFY sets the volatile flag; 00 E2 ..: "commit" bumps the persistent counter;
  // 00 CA: returns [verified, committed] 9000; anything else echoes its data + 9000.
  Bytes transmit(ByteView command) override {
    ++apdus;
    {
      std::lock_guard lock(mutex);
      received.emplace_back(command.begin(), command.end());
    }
    if (throw_on_transmit) throw std::runtime_error("transmit broken");
    if (command.size() >= 2 && command[1] == 0x20) {
      verified = true;
      return {0x90, 0x00};
    }
    if (command.size() >= 2 && command[1] == 0xE2) {
      ++committed;
      return {0x90, 0x00};
    }
    if (command.size() >= 2 && command[1] == 0xCA)
      return {static_cast<std::uint8_t>(verified ? 1 : 0),
              static_cast<std::uint8_t>(committed.load()), 0x90, 0x00};
    Bytes r;
    if (command.size() > 5) r.assign(command.begin() + 5, command.end());
    r.push_back(0x90);
    r.push_back(0x00);
    return r;
  }
};

}  // namespace softcard::vpcd::testing
