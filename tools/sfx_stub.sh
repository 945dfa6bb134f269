#!/bin/sh
# agent @VERSION@ for @TARGET@: a self-extracting executable (Deno @DENO@ + the bundled agent).
# The first start unpacks it, checksum-verified, into
# ${CACHE_DIRECTORY or XDG_CACHE_HOME or ~/.cache}/agent/runtime/<sha256>/ and later starts reuse
# that; two starts at once each unpack into a temporary directory and the first rename wins.
set -eu
sum=@SUM@
offset=@OFFSET@
base=${AGENT_RUNTIME_DIR:-${CACHE_DIRECTORY:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/agent}/runtime}
dir=$base/$sum
fresh=
self=$0
case $self in */*) ;; *) self=$(command -v -- "$self") ;; esac
if [ ! -f "$dir/.ok" ]; then
  mkdir -p "$base"
  tmp=$(mktemp -d "$base/.unpack.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  tail -c +"$offset" "$self" >"$tmp/payload.tar.gz"
  got=$(sha256sum "$tmp/payload.tar.gz" | cut -c1-64)
  if [ "$got" != "$sum" ]; then
    echo "agent: $self is damaged: its archive has checksum $got, expected $sum" >&2
    exit 1
  fi
  gzip -dc "$tmp/payload.tar.gz" | tar -xf - -C "$tmp"
  rm -f "$tmp/payload.tar.gz"
  chmod 755 "$tmp"
  : >"$tmp/.ok"
  # Atomic; when another start renamed its copy first, this one is dropped.
  mv -T "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"
  trap - EXIT
  fresh=1
  # Older versions' runtimes (a running one keeps its open files).
  for old in "$base"/*; do
    [ "$old" = "$dir" ] || rm -rf "$old"
  done
fi
# Deno's flags (tests/bench/footprint.ts runs the bundle with these). For memory (issue #16, measured
# on a headless child): V8's code cache costs about 1.5 MiB and saves no measurable CPU at start;
# Maglev (V8's mid-tier JIT) costs 3-6 MiB and turning it off no measurable CPU.
flags="-A --unstable-net --no-config --no-lock --no-remote --cached-only --no-check --no-code-cache --v8-flags=--no-maglev"
export DENO_DIR="${DENO_DIR:-$base/.deno}" DENO_NO_UPDATE_CHECK=1 DENO_NO_PROMPT=1
# AGENT_EXEC_WRAPPER runs Deno through an emulator (tests: qemu-aarch64-static on x86_64).
if [ -n "$fresh" ]; then
  # The first run of a module graph parses it and caches what it found in DENO_DIR; the process
  # that did it stays about 20 MiB larger for good, so a short run does it before the agent starts.
  ${AGENT_EXEC_WRAPPER:-} "$dir/deno" run $flags "$dir/agent/main.js" --version >/dev/null 2>&1 || true
fi
exec ${AGENT_EXEC_WRAPPER:-} "$dir/deno" run $flags "$dir/agent/main.js" "$@"
