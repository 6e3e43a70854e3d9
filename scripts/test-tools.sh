#!/usr/bin/env bash
# First step of `npm test`: the two programs the tests run that npm cannot install. Chromium
# (the browser flows; Playwright cannot download its own browser here) and redis-server (the
# two-node realtime tests). Missing ones are installed with apt-get when this runs as root on
# Debian; otherwise it stops at once with one line saying what to install.
set -euo pipefail

chromium=${CHROMIUM_PATH:-/usr/bin/chromium}
redis=${REDIS_SERVER_PATH:-redis-server}

missing_tools() {
  missing=()
  [ -x "$chromium" ] || missing+=(chromium)
  command -v "$redis" >/dev/null 2>&1 || missing+=(redis-server)
}

missing_tools
((${#missing[@]})) || exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "npm test: installing ${missing[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
  # CHROMIUM_PATH or REDIS_SERVER_PATH may name a place the packages do not install to.
  missing_tools
  ((${#missing[@]})) || exit 0
fi

echo "npm test: missing ${missing[*]}: install Debian's packages (sudo apt-get install ${missing[*]}), or point CHROMIUM_PATH at a Chromium binary and REDIS_SERVER_PATH at redis-server" >&2
exit 1
