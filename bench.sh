#!/usr/bin/env bash
# Benchmarks against the whole system on this machine's own PostgreSQL and RabbitMQ (installed if missing).
#   ./bench.sh import [rows]   — contribution import vs psql \copy of the same file (default 1,000,000 rows)
#   ./bench.sh parse [rows]    — reading and checking alone, no database
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
dotnet build Subsidy.sln -c Release -v quiet -nologo
exec dotnet run --project tests/Subsidy.Benchmarks -c Release --no-build -- "$@"
