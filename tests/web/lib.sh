# shellcheck shell=bash
# Helpers for the headless-Chromium walk-throughs (sourced by tests/web/*.sh): the server helpers
# of tests/server/lib.sh, and the browser they drive, or a skip when Chromium is missing.
# Expects CHROMIUM (empty: not found) and NODE; sets `modules`, the NODE_PATH of puppeteer-core and axe-core.
. "$SOURCE_DIR/tests/server/lib.sh"

if [ -z "${CHROMIUM:-}" ] || ! [ -x "$CHROMIUM" ]; then
  echo "SKIP: no Chromium (scripts/setup.sh installs Debian's chromium package)"
  exit 77
fi
modules="$SOURCE_DIR/tests/web/node_modules"
[ -d "$modules/puppeteer-core" ] ||
  fail "puppeteer-core is not installed in $modules: run scripts/setup.sh (npm ci from tests/web/package-lock.json)"
