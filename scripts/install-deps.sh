#!/usr/bin/env bash
# Installs the Debian packages softcard needs to build and test, only when some are missing.
# Quiet when everything is present. Idempotent.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config make dpkg-dev
  libssl-dev openssl libsqlite3-dev sqlite3 zlib1g-dev
  libboost-dev libpcsclite-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev
  pybind11-dev python3-dev python3-pytest python3-pyscard python3-cryptography python3-setuptools python3-pip
  pcscd vsmartcard-vpcd opensc pcsc-tools chromium
  yubico-piv-tool yubikey-manager openssh-client
  util-linux iproute2 procps
  clang libclang-rt-14-dev llvm clang-format clang-tidy
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "softcard: installing missing Debian packages: ${missing[*]}"
sudo=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null; then
    sudo=(sudo)
  else
    echo "softcard: need root to run: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The packaged pcscd service is not needed: our tests start private instances.
echo "softcard: packages installed"
