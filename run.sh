#!/usr/bin/env bash
# Starts the whole system on this machine's own PostgreSQL and RabbitMQ (installed if missing): the identity service,
# the four services (and, in Development, the tax-bureau simulator), the gateway (http://localhost:5080) and the Aspire
# dashboard (http://localhost:15080).
set -euo pipefail
# Usage: ./run.sh                 — Development: start the system with reference data and the demo accounts (.local)
#        ./run.sh demo            — Development: start it and run a county-year of 浮梁县 through it (the main job)
#        ./run.sh --production    — Production: no development shortcuts, services supervised, data in .local/production
#        ./run.sh --ha, ./run.sh demo --ha
#                                 — the same on the highly available topology of a city (docs/operations/high-availability.md):
#                                   three RabbitMQ nodes, PostgreSQL with a synchronous standby and automatic failover
#                                   (pg_auto_failover), two instances of every service; data in .local/ha (.local/demo)
#        ./run.sh backup [take|verify|list]
#                                 — the production start's backups (on by default there): a base backup now (the
#                                   default), every backup and the WAL archive checked, or what is kept
#        ./run.sh restore --to "2026-12-07 10:00:00+08"
#                                 — with the production start stopped: every database as it was at that moment, in a
#                                   fresh data directory (the replaced one is kept beside it), then the production start
#        ./run.sh admin export-county 360222 2026 --purpose 用途 [--out DIR]   — the county's year as an archive with SHA256SUMS (audited)
#        ./run.sh admin verify-archive DIR                      — the archive checked against its SHA256SUMS
#        ./run.sh admin keys rotate-data                        — new data keys for residents' personal data; what is
#                                                                 stored is re-sealed in the background (keys status: progress)
#        ./run.sh admin audit verify                            — every service's SM3 audit chain walked, the first
#                                                                 broken link named
#        ./run.sh admin create-admin --user fl-admin --name 浮梁县人社局管理员 --scope 360222
#                                 — once, with the production start running: the county's first administrator and its
#                                   one-time password;  ./run.sh admin keys rotate — new token signing keys
cd "$(dirname "$0")"
production_postgres_port=15432
# Release builds wherever the system runs for real (the production start, the demo, ./run.sh): optimised code and
# the GC settings of Directory.Build.props that keep each service small at rest. The tests (./test.sh) build Debug.
configuration=Release

# Backups of the production start (docs/operations/backup-and-restore.md). SUBSIDY_DATA and SUBSIDY_BACKUPS name
# other directories than the production start's own.
production_data="${SUBSIDY_DATA:-$PWD/.local/production}"
production_backups="${SUBSIDY_BACKUPS:-$production_data/backups}"
if [ "${1:-}" = "backup" ]; then
  case "${2:-take}" in
    take) exec bash AppHost/infra/backup.sh take "$production_data/postgres" "$production_postgres_port" "$production_backups" "${SUBSIDY_BACKUP_KEEP:-7}" ;;
    verify|list) exec bash AppHost/infra/backup.sh "$2" "$production_backups" ;;
    *) echo "usage: ./run.sh backup [take|verify|list]" >&2; exit 2 ;;
  esac
fi
if [ "${1:-}" = "restore" ]; then
  [ "${2:-}" = "--to" ] && [ -n "${3:-}" ] || { echo 'usage: ./run.sh restore --to "2026-12-07 10:00:00+08"' >&2; exit 2; }
  bash AppHost/infra/backup.sh restore "$production_data/postgres" "$production_backups" "$3"
  shift 3
  set -- --production "$@"
fi

if [ "${1:-}" = "admin" ]; then
  shift
  # The production start's database server and the key-encryption key of residents' personal data, as its services
  # are given them.
  personal_data_key="${PersonalData__KeyFile:-$production_data/keys/personal-data.kek}"
  production_connection="${ConnectionStrings__postgres:-Host=127.0.0.1;Port=$production_postgres_port;Username=postgres;Password=subsidy-local}"
  # A county's year as an archive (档案), its offline check and the audit chains' check: tools/Subsidy.Admin reads the
  # services' databases.
  if [ "${1:-}" = "export-county" ] || [ "${1:-}" = "verify-archive" ] || [ "${1:-}" = "audit" ] \
    || { [ "${1:-}" = "keys" ] && [ "${2:-}" != "rotate" ]; }; then
    dotnet build tools/Subsidy.Admin -c $configuration -v quiet -nologo >/dev/null
    PersonalData__KeyFile="$personal_data_key" \
    ConnectionStrings__postgres="$production_connection" \
      exec dotnet run --project tools/Subsidy.Admin -c $configuration --no-build -- "$@"
  fi
  dotnet build services/Identity -c $configuration -v quiet -nologo >/dev/null
  PersonalData__KeyFile="$personal_data_key" \
  ConnectionStrings__postgres="$production_connection" \
  ASPNETCORE_ENVIRONMENT=Production DOTNET_ENVIRONMENT=Production \
    exec dotnet run --project services/Identity -c $configuration --no-build --no-launch-profile -- "$@"
fi

bash scripts/setup.sh
dotnet build Subsidy.sln -c $configuration -v quiet -nologo

# --ha, anywhere among the arguments: the highly available topology.
ha=
args=()
for arg in "$@"; do
  if [ "$arg" = "--ha" ]; then ha=1; else args+=("$arg"); fi
done
set -- "${args[@]+"${args[@]}"}"
topology=()
[ -n "$ha" ] && topology=(--Infrastructure:Topology=ha)

if [ "${1:-}" = "--production" ]; then
  shift
  mkdir -p .local/production
  echo "生产方式启动 · production start: data in .local/production, PostgreSQL on port $production_postgres_port."
  echo "首次启动后创建县管理员 · first time, create the county's administrator (prints its one-time password):"
  echo "  ./run.sh admin create-admin --user fl-admin --name 浮梁县人社局管理员 --scope 360222"
  exec dotnet run --project AppHost -c $configuration --launch-profile production --no-build -- --Infrastructure:DataDirectory="$production_data" \
    --Backup:Directory="$production_backups" \
    --Infrastructure:PostgresPort=$production_postgres_port "$@"
fi

if [ "${1:-}" != "demo" ]; then
  mkdir -p .local
  dotnet run --project tests/Subsidy.Demo -c $configuration --no-build -- accounts "$PWD/.local/demo-accounts.json" --print
  data=()
  [ -n "$ha" ] && data=(--Infrastructure:DataDirectory="$PWD/.local/ha")
  exec dotnet run --project AppHost -c $configuration --launch-profile http --no-build -- --Identity:DemoAccountsFile="$PWD/.local/demo-accounts.json" \
    "${topology[@]+"${topology[@]}"}" "${data[@]+"${data[@]}"}" "$@"
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
  --Identity:DemoAccountsFile="$accounts" --TaxBureau:DelaySeconds=0.2 "${topology[@]+"${topology[@]}"}" "$@" &
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
