#!/usr/bin/env bash
# Usage: tests/compile.sh TARGET OUTPUT — builds the single-binary agent with deno compile.
set -uo pipefail
target=$1 out=$2
deno=${DENO:-$(bash tests/deno.sh)}
mkdir -p "$(dirname "$out")"
if [ -n "${DENORT_BIN:-}" ] && [ ! -x "$DENORT_BIN" ]; then
  echo "DENORT_BIN=$DENORT_BIN is not an executable file" >&2; exit 2
fi
log=$(mktemp)
if "$deno" compile -A --target "$target" --output "$out" main.ts >"$log" 2>&1; then
  rm -f "$log"; echo "built $out ($target)"; exit 0
fi
cat "$log" >&2
if grep -qiE 'dns error|failed to lookup|error sending request|download|connect' "$log"; then
  cat >&2 <<MSG

make binary: deno compile could not download its base runtime (denort) for $target.
This machine cannot reach Deno's download server. Either build on a connected machine
(same command), or put a denort binary of Deno $("$deno" --version | head -1 | cut -d' ' -f2)
for $target on this machine and run: DENORT_BIN=/path/to/denort make ${3:-binary}
MSG
fi
rm -f "$log"; exit 1
