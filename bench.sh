#!/usr/bin/env bash
# Benchmarks against the whole system on this machine's own PostgreSQL and RabbitMQ (installed if missing).
#   ./bench.sh import [rows,…]  — contribution import vs psql \copy of the same file (default 200,000 and 1,000,000 rows side by side)
#   ./bench.sh parse [rows]    — reading and checking alone, no database
#   ./bench.sh calculation [rows] [villages] — a city-sized year calculated by the running service
#   ./bench.sh documents [rows] [villages]   — every roster of a city-sized year as XLSX and PDF
#   ./bench.sh samples [directory]           — one of each document, PDFs also as PNG (docs/documents)
#   ./bench.sh year [rows] [villages]        — a city's year (景德镇's four counties) end to end through the gateway
#   ./bench.sh failover                      — the highly available topology at rest, and the seconds from each fault
#                                              (database primary, busiest broker node, an instance of every service)
#                                              until writes are accepted and events flow again, beside the calm figures
#   ./bench.sh portal [url]                  — each portal page's time to interactive on the demo data (./run.sh demo running)
#   ./bench.sh screenshots [directory] [url] — a screenshot of each main portal page on the demo data (docs/portal)
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
dotnet build Subsidy.sln -c Release -v quiet -nologo
exec dotnet run --project tests/Subsidy.Benchmarks -c Release --no-build -- "$@"
