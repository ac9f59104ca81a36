#!/usr/bin/env bash
# Starts the whole system on this machine's own PostgreSQL and RabbitMQ (installed if missing):
# the four services (and, in Development, the tax-bureau simulator), the gateway (http://localhost:5080) and the Aspire dashboard (http://localhost:15080).
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/setup.sh
dotnet build Subsidy.sln -v quiet -nologo
exec dotnet run --project AppHost --launch-profile http --no-build -- "$@"
