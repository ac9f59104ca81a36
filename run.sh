#!/usr/bin/env bash
# Starts the whole system on this machine's own PostgreSQL and RabbitMQ (installed if missing): the identity service,
# the four services (and, in Development, the tax-bureau simulator), the gateway (http://localhost:5080) and the Aspire
# dashboard (http://localhost:15080).
set -euo pipefail
# Usage: ./run.sh                 — Development: start the system with reference data and the demo accounts (.local)
#        ./run.sh demo            — Development: start it and run a county-year of 浮梁县 through it (the main job)
#        ./run.sh --production    — Production: no development shortcuts, services supervised, data in .local/production
#        ./run.sh admin create-admin --user fl-admin --name 浮梁县人社局管理员 --scope 360222
#                                 — once, with the production start running: the county's first administrator and its
#                                   one-time password;  ./run.sh admin keys rotate — new token signing keys
cd "$(dirname "$0")"
production_postgres_port=15432
# Release builds wherever the system runs for real (the production start, the demo, ./run.sh): optimised code and
# the GC settings of Directory.Build.props that keep each service small at rest. The tests (./test.sh) build Debug.
configuration=Release

if [ "${1:-}" = "admin" ]; then
  shift
  dotnet build services/Identity -c $configuration -v quiet -nologo >/dev/null
  ConnectionStrings__postgres="${ConnectionStrings__postgres:-Host=127.0.0.1;Port=$production_postgres_port;Username=postgres;Password=subsidy-local}" \
  ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production \
    exec dotnet run --project services/Identity -c $configuration --no-build --no-launch-profile -- "$@"
fi

bash scripts/setup.sh
dotnet build Subsidy.sln -c $configuration -v quiet -nologo

if [ "${1:-}" = "--production" ]; then
  shift
  mkdir -p .local/production
  echo "生产方式启动 · production start: data in .local/production, PostgreSQL on port $production_postgres_port."
  echo "首次启动后创建县管理员 · first time, create the county's administrator (prints its one-time password):"
  echo "  ./run.sh admin create-admin --user fl-admin --name 浮梁县人社局管理员 --scope 360222"
  exec dotnet run --project AppHost -c $configuration --launch-profile production --no-build -- --Infrastructure:DataDirectory="$PWD/.local/production" \
    --Infrastructure:PostgresPort=$production_postgres_port "$@"
fi

if [ "${1:-}" != "demo" ]; then
  mkdir -p .local
  dotnet run --project tests/Subsidy.Demo -c $configuration --no-build -- accounts "$PWD/.local/demo-accounts.json" --print
  exec dotnet run --project AppHost -c $configuration --launch-profile http --no-build -- --Identity:DemoAccountsFile="$PWD/.local/demo-accounts.json" "$@"
fi

# ./run.sh demo — the main job: start the system, then drive a realistic county-year of 浮梁县 through the
# gateway (tests/Subsidy.Demo), its people signing in at the identity service with the demo's accounts, and print
# where to look. The system keeps running afterwards. Each demo starts from empty databases of its own (.local/demo),
# so it can be run again; ./run.sh keeps its data in .local.
shift
rm -rf .local/demo
mkdir -p .local/demo
accounts="$PWD/.local/demo/accounts.json"
dotnet run --project tests/Subsidy.Demo -c $configuration --no-build -- accounts "$accounts"
dotnet run --project AppHost -c $configuration --launch-profile http --no-build -- --Infrastructure:DataDirectory="$PWD/.local/demo" \
  --Identity:DemoAccountsFile="$accounts" --TaxBureau:DelaySeconds=0.2 "$@" &
apphost=$!
trap 'kill $apphost 2>/dev/null; wait $apphost 2>/dev/null' INT TERM
echo "等待系统启动 · waiting for the gateway on http://localhost:5080 …"
until curl -fs http://localhost:5080/health >/dev/null 2>&1; do
  kill -0 $apphost 2>/dev/null || { echo "AppHost exited"; exit 1; }
  sleep 2
done
dotnet run --project tests/Subsidy.Demo -c $configuration --no-build -- http://localhost:5080/ --accounts "$accounts"
echo "系统继续运行，按 Ctrl+C 结束 · The system keeps running; press Ctrl+C to stop it."
wait $apphost
