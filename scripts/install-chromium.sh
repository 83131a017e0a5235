#!/usr/bin/env bash
# Debian's Chromium for the panel's page tests (headless, driven by playwright-core). Idempotent.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "install Debian's chromium first (as root): apt-get install -y chromium" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
