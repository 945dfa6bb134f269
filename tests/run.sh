#!/usr/bin/env bash
# Installs what the tests need when it is missing (tests/setup.sh), runs every test, and ends with one
# line "N passed, N failed, N ignored" (a type-check failure counts as failed).
set -uo pipefail
deno=$1
bash tests/setup.sh || exit
mkdir -p test-artifacts
log=test-artifacts/test.log
NO_COLOR=1 "$deno" test -A --parallel "${@:2}" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
summary=$(grep -E '^(ok|FAILED) \| [0-9]+ passed' "$log" | tail -1)
passed=$(sed -nE 's/.*\| ([0-9]+) passed.*/\1/p' <<<"$summary")
failed=$(sed -nE 's/.*\| ([0-9]+) failed.*/\1/p' <<<"$summary")
ignored=$(sed -nE 's/.*\| ([0-9]+) ignored.*/\1/p' <<<"$summary")
passed=${passed:-0} failed=${failed:-0} ignored=${ignored:-0}
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # No test failed but deno test did: the type check or a module load failed.
  failed=1
fi
echo "$passed passed, $failed failed, $ignored ignored"
exit "$rc"
