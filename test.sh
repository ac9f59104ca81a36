#!/usr/bin/env bash
# Runs every test (unit and end-to-end against real PostgreSQL and RabbitMQ, installed if missing)
# and ends with the line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh || exit 1

results="TestResults/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$results"
dotnet build Subsidy.sln -nologo -v quiet || { echo "0 passed, 1 failed"; exit 1; }
dotnet test Subsidy.sln --no-build --results-directory "$results" --logger "trx" --logger "console;verbosity=minimal"
status=$?

passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<< "$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<< "$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
if [ $status -ne 0 ] && [ $failed -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
exit $status
