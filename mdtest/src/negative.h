#pragma once
// The negative matrix: one node per (function, bad input), each with one exact expected code.
#include <functional>
#include <memory>
#include <string>

#include "errors.h"
#include "helpers.h"
#include "registry.h"

namespace softcard::mdtest {

// What a negative node sets up before the bad call.
struct NegSetup {
  bool user = false;               // authenticate the user first
  DWORD container = 0;             // key spec of a container to create first (0: none)
  const char* function = nullptr;  // optional function (config "functions"): skip when absent
};

struct NegFixture {
  Env& env;
  CARD_DATA* cd;
  std::unique_ptr<TempContainer> container;
};

using NegCall = std::function<DWORD(NegFixture&)>;

void neg(Registry& r, const std::string& function, const std::string& name, DWORD expected,
         const std::string& what, NegCall call, NegSetup setup = {});

// The matrix's struct versions 0/2/5/257/65538 minus those the structure accepts.
std::vector<DWORD> bad_versions(std::initializer_list<DWORD> accepted);

}  // namespace softcard::mdtest
