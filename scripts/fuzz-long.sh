#!/usr/bin/env bash
# Runs the fuzz properties of test/e2e/fuzz.e2e-spec.ts far longer than the
# regular suite does: FUZZ_RUNS runs per property (default 5000), from the
# fixed seed unless FUZZ_SEED is given (e.g. FUZZ_SEED=$RANDOM for a fresh
# exploration; a failure prints the seed and path that reproduce it).
# FUZZ_STATS=1 prints the statuses each property reached.
#
#   scripts/fuzz-long.sh
#   FUZZ_RUNS=20000 FUZZ_SEED=$RANDOM scripts/fuzz-long.sh
#   DATABASE_URL=postgres://ce_dev:ce_dev@127.0.0.1:5432/ce_dev scripts/fuzz-long.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export FUZZ_RUNS="${FUZZ_RUNS:-5000}"
echo "fuzz: ${FUZZ_RUNS} runs per property, seed ${FUZZ_SEED:-fixed}, $([ -n "${DATABASE_URL:-}" ] && echo 'PostgreSQL (DATABASE_URL)' || echo 'embedded database')" >&2
exec npm test -- --selectProjects e2e --testPathPatterns 'test/e2e/fuzz\.e2e-spec\.ts' "$@"
