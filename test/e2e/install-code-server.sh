#!/usr/bin/env bash
# Installs what the end-to-end tests need, from the npm registry and Debian's packages only:
# code-server (VS Code's workbench and Node extension host) and Chromium to drive it.
# Idempotent: a finished install is reused.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
DIR="${MLDEBT_E2E_DIR:-$(cd "$(dirname "$0")/../.." && pwd)/.e2e}"
BIN="$DIR/code-server/node_modules/.bin/code-server"

missing=()
for pkg in pkg-config libkrb5-dev libsecret-1-dev ripgrep chromium; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "e2e: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ -x "$BIN" ] && [ -f "$DIR/code-server/.installed-$CODE_SERVER_VERSION" ]; then
  echo "e2e: code-server $CODE_SERVER_VERSION already installed in $DIR"
  exit 0
fi

mkdir -p "$DIR/code-server"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Older @vscode/ripgrep releases download their binary from GitHub at install time; they first look
# in a cache folder under TMPDIR, which we fill with Debian's ripgrep under the name they expect.
# Newer releases ship the binary in a platform package and need nothing.
export TMPDIR="$work/tmp"
mkdir -p "$TMPDIR" "$work/rg"
cp "$(command -v rg)" "$work/rg/rg"
range="$(cd "$work" && npm pack "code-server@$CODE_SERVER_VERSION" --silent >/dev/null && tar xzf code-server-*.tgz package/lib/vscode/package.json && node -p "require('./package/lib/vscode/package.json').dependencies['@vscode/ripgrep']")"
for version in $(npm view "@vscode/ripgrep@$range" version --json | node -e "const v=JSON.parse(require('fs').readFileSync(0,'utf8'));console.log([].concat(v).join(' '))"); do
  rm -rf "$work/package"
  (cd "$work" && npm pack "@vscode/ripgrep@$version" --silent >/dev/null && tar xzf "vscode-ripgrep-$version.tgz" package)
  [ -f "$work/package/lib/postinstall.js" ] || continue
  rg_version="$(sed -n "s/^const VERSION = '\(.*\)';/\1/p" "$work/package/lib/postinstall.js")"
  mkdir -p "$TMPDIR/vscode-ripgrep-cache-$version"
  tar czf "$TMPDIR/vscode-ripgrep-cache-$version/ripgrep-$rg_version-x86_64-unknown-linux-musl.tar.gz" -C "$work/rg" rg
done

cd "$DIR/code-server"
[ -f package.json ] || echo '{ "private": true }' > package.json
# Its postinstall refuses root without unsafe-perm; node-pty's build runs `npx node-gyp`.
npm_config_unsafe_perm=true npm_config_yes=true npm install --no-save --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION"
touch ".installed-$CODE_SERVER_VERSION"
echo "e2e: code-server $CODE_SERVER_VERSION installed in $DIR"
