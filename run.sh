#!/usr/bin/env bash
# Starts the whole system on this machine's own PostgreSQL and RabbitMQ (installed if missing):
# the four services (and, in Development, the tax-bureau simulator), the gateway (http://localhost:5080) and the Aspire dashboard (http://localhost:15080).
set -euo pipefail
# Usage: ./run.sh         — start the system, empty but for the reference data
#        ./run.sh demo    — start it and run a county-year of 浮梁县 through it (the main job)
cd "$(dirname "$0")"
bash scripts/setup.sh
dotnet build Subsidy.sln -v quiet -nologo

if [ "${1:-}" != "demo" ]; then
  exec dotnet run --project AppHost --launch-profile http --no-build -- "$@"
fi

# ./run.sh demo — the main job: start the system, then drive a realistic county-year of 浮梁县 through the
# gateway (tests/Subsidy.Demo) and print where to look. The system keeps running afterwards. Each demo starts
# from empty databases of its own (.local/demo), so it can be run again; ./run.sh keeps its data in .local.
shift
rm -rf .local/demo
dotnet run --project AppHost --launch-profile http --no-build -- --Infrastructure:DataDirectory="$PWD/.local/demo" \
  --Gateway:PermitsPerMinute=20000 --TaxBureau:DelaySeconds=0.2 "$@" &
apphost=$!
trap 'kill $apphost 2>/dev/null; wait $apphost 2>/dev/null' INT TERM
echo "等待系统启动 · waiting for the gateway on http://localhost:5080 …"
until curl -fs http://localhost:5080/health >/dev/null 2>&1; do
  kill -0 $apphost 2>/dev/null || { echo "AppHost exited"; exit 1; }
  sleep 2
done
dotnet run --project tests/Subsidy.Demo --no-build -- http://localhost:5080/
echo "系统继续运行，按 Ctrl+C 结束 · The system keeps running; press Ctrl+C to stop it."
wait $apphost
