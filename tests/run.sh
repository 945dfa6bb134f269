#!/usr/bin/env bash
# Runs every test and ends with one line "N passed, N failed" (a type-check failure counts as failed).
set -uo pipefail
deno=$1
mkdir -p test-artifacts
log=test-artifacts/test.log
NO_COLOR=1 "$deno" test -A --parallel "${@:2}" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
summary=$(grep -E '^(ok|FAILED) \| [0-9]+ passed' "$log" | tail -1)
passed=$(sed -nE 's/.*\| ([0-9]+) passed.*/\1/p' <<<"$summary")
failed=$(sed -nE 's/.*\| ([0-9]+) failed.*/\1/p' <<<"$summary")
passed=${passed:-0} failed=${failed:-0}
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # No test failed but deno test did: the type check or a module load failed.
  failed=1
fi
echo "$passed passed, $failed failed"
exit "$rc"
