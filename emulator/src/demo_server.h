#pragma once
// The server role of `softcard demo`: a separate process using the minidriver library in no-card
// mode, driven over stdin/stdout one line per request:
//   shared-key <hex>            -> ok                       (the provisioned shared key)
//   rsa <PUBLICKEYBLOB hex>     -> wrapped <hex>            (S1 under K1, RSA-OAEP-SHA256)
//   archive <index> <der path>  -> blob GCM <iv> <blob> <ms> (K2 for CSF_IMPORT_KEYPAIR)
//   shared-start                -> hello <hex>              (server hello of shared key #1)
//   shared-finish <card hello>  -> ok
//   ecdh <ECCKEY blob hex>      -> eph <ECCKEY blob hex>    (S2 from an ephemeral key)
//   auth <flags hex> <pin hex>  -> blob CBC <iv> <blob> 0   (CSF_AUTHENTICATE)
//   change <old hex> <new hex>  -> blob CBC <iv> <blob> 0   (CSF_CHANGE_AUTHENTICATOR)
//   session-pin <blob hex>      -> token <hex>
//   quit
// Any failure answers "error <text>".
#include <sys/types.h>

#include <cstdio>
#include <string>
#include <vector>

namespace softcard::cli::demo {

// The server's main loop (`softcard demo --server`); returns the process exit code.
int run_server();

// The client's end of the pipe: forks and execs `softcard demo --server`.
class ServerProcess {
 public:
  ServerProcess();
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;
  pid_t pid() const { return pid_; }
  // Sends one request and returns the answer's words; DemoFailure on "error ..." or no answer.
  std::vector<std::string> ask(const std::string& line);

 private:
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
  FILE* in_ = nullptr;
};

}  // namespace softcard::cli::demo
