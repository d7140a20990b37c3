#pragma once
// The test tree, one registration function per group (nodes_*.cpp).
#include "registry.h"

namespace softcard::mdtest {

void register_acquire_nodes(Registry& r);    // acquire.*: CardAcquireContext, versions, table
void register_negative_nodes(Registry& r);   // neg.*: the negative matrix per function
void register_property_nodes(Registry& r);   // prop.*: card and container properties
void register_file_nodes(Registry& r);       // fs.*: files and directories, access conditions
void register_pin_nodes(Registry& r);        // pin.*: authenticate, challenge, change, unblock
void register_container_nodes(Registry& r);  // key.*, seq.*: containers, sign, decrypt, ECDH
void register_ski_nodes(Registry& r);        // ski.*: secure key injection, both halves
void register_stress_nodes(Registry& r);     // stress.*, reconnect.*, memory.*, speed.*

inline void register_all(Registry& r) {
  register_acquire_nodes(r);
  register_negative_nodes(r);
  register_property_nodes(r);
  register_file_nodes(r);
  register_pin_nodes(r);
  register_container_nodes(r);
  register_ski_nodes(r);
  register_stress_nodes(r);
}

// Worker mode of the two-process stress node: `softcard-mdtest --worker NAME` runs one loop and
// exits 0 on success. Returns the exit status.
int run_worker(const std::string& name, Env& env);

}  // namespace softcard::mdtest
