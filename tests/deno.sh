#!/usr/bin/env bash
# Prints the path of the deno binary, installing Deno from npm into .tools/ when none is on PATH.
set -euo pipefail
version=2.9.6
if command -v deno >/dev/null 2>&1; then command -v deno; exit 0; fi
found=$(ls .tools/node_modules/@deno/*/deno 2>/dev/null | head -1 || true)
if [ -z "$found" ]; then
  echo "Installing Deno $version from npm into .tools/" >&2
  npm install --prefix .tools --no-audit --no-fund --loglevel=error "deno@$version" >/dev/null
  found=$(ls .tools/node_modules/@deno/*/deno 2>/dev/null | head -1 || true)
fi
[ -x "$found" ] || { echo "Cannot find or install deno" >&2; exit 1; }
echo "$found"
