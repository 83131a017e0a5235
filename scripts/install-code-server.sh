#!/usr/bin/env bash
# Installs a real VS Code workbench for the end-to-end tests and `npm start`: code-server 4.100.3
# (VS Code 1.100.3, the newest that runs on Node 20), cached in .cache/code-server, outside the
# project's node_modules. Idempotent: a second run only checks that it is there.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=4.100.3
DIR="$PWD/.cache/code-server"
BIN="$DIR/node_modules/.bin/code-server"

need_apt=()
for pkg in chromium ripgrep libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "install these Debian packages first (as root): ${need_apt[*]}" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ -x "$BIN" ] && [ "$(HOME="$DIR/home" "$BIN" --version 2>/dev/null | head -1 | cut -d' ' -f1)" = "$VERSION" ]; then
  exit 0
fi

mkdir -p "$DIR"
# @vscode/ripgrep downloads rg from GitHub in its post-install: answer it from a local cache
# holding Debian's rg under the name it asks for.
TMP="${TMPDIR:-/tmp}"
RG_CACHE="$TMP/vscode-ripgrep-cache-1.15.11"
mkdir -p "$RG_CACHE"
if [ ! -f "$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" ]; then
  staging="$(mktemp -d)"
  cp /usr/bin/rg "$staging/rg"
  tar -czf "$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$staging" rg
  rm -rf "$staging"
fi

cd "$DIR"
[ -f package.json ] || echo '{ "name": "loss-lab-code-server", "private": true }' > package.json
# code-server's post-install builds its native modules (node-pty runs `npx node-gyp`) and refuses
# root without unsafe-perm; npm 11 blocks dependency scripts unless allowed.
npm_config_unsafe_perm=true npm_config_yes=true npm_config_fund=false npm_config_audit=false \
  npm install "code-server@$VERSION" --foreground-scripts --dangerously-allow-all-scripts --no-save >"$DIR/install.log" 2>&1 || {
  tail -40 "$DIR/install.log" >&2
  exit 1
}
HOME="$DIR/home" "$BIN" --version
