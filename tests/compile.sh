#!/usr/bin/env bash
# Usage: tests/compile.sh TARGET OUTPUT [MAKE_TARGET] — builds the one-file agent for TARGET
# (x86_64-unknown-linux-gnu or aarch64-unknown-linux-gnu):
#   - with Deno's base runtime for TARGET (DENORT_BIN, or denort in Deno's cache): deno compile;
#     a DENORT_BIN that is a full deno is refused (deno compile would ship plain Deno);
#   - without it (no download): a self-extracting executable (tools/sfx_stub.sh) holding the
#     target's Deno from npm (@deno/linux-*-glibc, pinned) and the agent bundled with code splitting:
#     agent/main.js plus one file per part loaded with import() (web API, listener, health,
#     exporting, DEFLATE), so a headless child does not load, parse or keep what it never runs.
# `tests/compile.sh bundle DIR` writes only that bundle into DIR (tests/bench/footprint.ts runs it).
set -euo pipefail
cd "$(dirname "$0")/.."
target=$1 out=$2 make_target=${3:-binary}
deno=${DENO:-$(bash tests/deno.sh)}

bundle() {
  "$deno" bundle --quiet --platform deno --code-splitting --outdir "$1" main.ts
}
if [ "$target" = bundle ]; then
  bundle "$out"
  exit 0
fi
deno_version=$("$deno" --version | head -1 | cut -d' ' -f2)
mkdir -p "$(dirname "$out")"

case "$target" in
  x86_64-unknown-linux-gnu) npm_pkg=@deno/linux-x64-glibc ;;
  aarch64-unknown-linux-gnu) npm_pkg=@deno/linux-arm64-glibc ;;
  *) echo "make $make_target: unsupported target \"$target\"" >&2; exit 2 ;;
esac

compile() {
  local log; log=$(mktemp)
  if DENORT_BIN=$1 "$deno" compile -A --target "$target" --output "$out" main.ts >"$log" 2>&1; then
    rm -f "$log"; echo "built $out ($target, deno compile, $(du -h "$out" | cut -f1))"; exit 0
  fi
  cat "$log" >&2; rm -f "$log"; exit 1
}

if [ -n "${DENORT_BIN:-}" ]; then
  if [ ! -f "$DENORT_BIN" ] || [ ! -x "$DENORT_BIN" ]; then
    echo "make $make_target: DENORT_BIN=$DENORT_BIN is not an executable file" >&2; exit 2
  fi
  # Only a full deno has its CLI's help texts; denort has none.
  if grep -qa "Compile the script into a self contained executable" "$DENORT_BIN"; then
    cat >&2 <<MSG
make $make_target: DENORT_BIN=$DENORT_BIN is a full Deno, not denort (Deno's base runtime for
compiled programs). deno compile would produce plain Deno, not the agent. Point DENORT_BIN at
denort $deno_version for $target (denort-$target.zip from Deno's releases), or unset it to build the
self-extracting executable from npm's Deno.
MSG
    exit 2
  fi
  compile "$DENORT_BIN"
fi

deno_dir=${DENO_DIR:-$("$deno" info --json 2>/dev/null | sed -n 's/.*"denoDir": *"\([^"]*\)".*/\1/p')}
cached="${deno_dir:-$HOME/.cache/deno}/dl/release/v$deno_version/denort-$target.zip"
if [ -f "$cached" ]; then
  compile ""
fi

# Self-extracting: stub + tar.gz of {deno, agent/}.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bundle "$work/agent"
tgz=".tools/targets/$(echo "${npm_pkg#@}" | tr / -)-$deno_version.tgz"
if [ ! -f "$tgz" ]; then
  mkdir -p .tools/targets
  echo "Fetching $npm_pkg@$deno_version from npm" >&2
  (cd .tools/targets && npm pack --silent "$npm_pkg@$deno_version" >/dev/null)
fi
tar -xzf "$tgz" -C "$work" package/deno
mv "$work/package/deno" "$work/deno"
chmod 755 "$work/deno"
tar -C "$work" -cf - deno agent | gzip -6 >"$work/payload.tar.gz"
sum=$(sha256sum "$work/payload.tar.gz" | cut -c1-64)
version=$(sed -n 's/^export const VERSION = "\(.*\)";/\1/p' src/version.ts)
stub() {
  sed -e "s/@SUM@/$sum/" -e "s/@VERSION@/$version/" -e "s/@TARGET@/$target/" \
    -e "s/@DENO@/$deno_version/" -e "s/@OFFSET@/$1/" tools/sfx_stub.sh
}
# The offset is padded to 10 digits, so the stub's length does not depend on it.
offset=$(($(stub 0000000000 | wc -c) + 1))
{ stub "$(printf '%010d' "$offset")"; cat "$work/payload.tar.gz"; } >"$out.tmp"
chmod 755 "$out.tmp"
mv "$out.tmp" "$out"
echo "built $out ($target, self-extracting: Deno $deno_version from npm + the agent bundled with code splitting, $(du -h "$out" | cut -f1))"
