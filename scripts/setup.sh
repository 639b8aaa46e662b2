#!/usr/bin/env bash
# Installs everything seatkey needs on Debian 12 from Debian's packages.
# Quiet and quick when all of it is already there.
#   scripts/setup.sh           the normal build's tools and libraries
#   scripts/setup.sh --cross   those, and for the verifier on ARM appliances (docs/firmware.md):
#                              Debian's cross compilers for aarch64-linux-gnu and
#                              arm-linux-gnueabihf, their libsodium and C++ runtime through
#                              multiarch (arm64, armhf), and qemu-user to run the tests
set -euo pipefail

cross=0
case "${1:-}" in
  "") ;;
  --cross) cross=1 ;;
  *)
    echo "usage: scripts/setup.sh [--cross]" >&2
    exit 2
    ;;
esac

packages=(
  build-essential cmake ninja-build pkg-config git
  clang-14 libclang-rt-14-dev clang-format
  libsodium-dev libsqlite3-dev sqlite3 libcli11-dev nlohmann-json3-dev doctest-dev
  libbenchmark-dev time python3 libmicrohttpd-dev curl chromium
  file man-db
  postgresql-15 libpq-dev
)

# Cross builds (cmake/toolchains/): the compilers, the target's libsodium (headers and both
# libraries) and C++ runtime from the same Debian release, and qemu-user-static, whose
# emulators the tests run every target program through (CMAKE_CROSSCOMPILING_EMULATOR; no
# binfmt_misc needed).
cross_arches=(arm64 armhf)
if ((cross)); then
  packages+=(g++-aarch64-linux-gnu g++-arm-linux-gnueabihf qemu-user-static)
  for a in "${cross_arches[@]}"; do packages+=("libsodium-dev:$a" "libstdc++6:$a"); done
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if ((cross)); then
  for a in "${cross_arches[@]}"; do
    dpkg --print-foreign-architectures | grep -qx "$a" || {
      echo "setup: dpkg --add-architecture $a"
      $sudo dpkg --add-architecture "$a"
    }
  done
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

# Node.js runs the independent PASETO check of issued tokens; this machine kind may ship
# NodeSource's nodejs (which bundles npm and conflicts with Debian's npm package).
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  # The tests start their own throwaway PostgreSQL cluster (scripts/postgres-cluster.sh), so
  # postgresql-15 must not create and start the system cluster 15/main: postgresql-common's
  # createcluster.conf says so before postgresql-15's postinst reads it. That file is
  # postgresql-common's (ucf), so it is edited after that package is in, not written ahead of it.
  if [[ " ${missing[*]} " == *" postgresql-15 "* ]]; then
    if ! dpkg-query -W -f='${Status}' postgresql-common 2>/dev/null | grep -q 'install ok installed'; then
      $sudo apt-get install -y -qq --no-install-recommends postgresql-common >/dev/null
    fi
    conf=/etc/postgresql-common/createcluster.conf
    [ ! -f "$conf" ] ||
      $sudo sed -i -E 's/^#?[[:space:]]*create_main_cluster[[:space:]]*=.*/create_main_cluster = false/' "$conf"
    grep -q '^create_main_cluster = false' "$conf" 2>/dev/null ||
      echo 'create_main_cluster = false' | $sudo tee -a "$conf" >/dev/null
  fi
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# puppeteer-core drives Chromium in the desk page's tests and axe-core checks the pages in it: installed from tests/web's lock into
# tests/web/node_modules (npm ci, no install scripts), again only when the lock changed.
web="$(dirname "$0")/../tests/web"
if ! cmp -s "$web/package-lock.json" "$web/node_modules/.seatkey-lock.json"; then
  echo "setup: npm ci in tests/web (puppeteer-core, axe-core)"
  (cd "$web" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  cp "$web/package-lock.json" "$web/node_modules/.seatkey-lock.json"
fi
