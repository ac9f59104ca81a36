#!/usr/bin/env bash
# Installs what this system needs on a fresh Debian machine of the build kind, and nothing that is there.
# Idempotent: a second run installs nothing.
set -euo pipefail

need=()
compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || need+=(postgresql)
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || need+=(rabbitmq-server)
# The highly available topology (./run.sh --ha): PostgreSQL's automatic failover, for the PostgreSQL of this machine.
command -v pg_autoctl >/dev/null || need+=(postgresql-15-auto-failover pg-auto-failover-cli)
command -v setpriv >/dev/null || need+=(util-linux)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
[ -f /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf ] || need+=(fonts-droid-fallback)   # TrueType CJK glyphs PDFsharp can embed
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)        # the Latin digits and letters Droid lacks
command -v pdftoppm >/dev/null || need+=(poppler-utils)
command -v chromium >/dev/null || need+=(chromium)   # the portal's browser tests and screenshots (Playwright drives it)
command -v prometheus >/dev/null || need+=(prometheus)   # the production start's monitoring and its alert rules (promtool checks them)
# deploy/k8s: rendered by kubectl kustomize (kustomize v5: the kubectl package of the image's apt sources — Debian's own
# kubernetes-client is 1.20, whose kustomize is too old) and validated on Node (deploy/k8s/validate).
command -v kubectl >/dev/null || need+=(kubectl)
command -v node >/dev/null || need+=(nodejs)
command -v npm >/dev/null || need+=(npm)

if [ ${#need[@]} -gt 0 ]; then
  echo "==> installing: ${need[*]}"
  if [ "$(id -u)" != 0 ]; then sudo=sudo; else sudo=; fi
  $sudo apt-get update -qq
  # The package's own service is not wanted: the AppHost runs a private node.
  DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# Debian starts the packaged servers on install where it can; this system uses private instances only.
if command -v service >/dev/null 2>&1; then
  service rabbitmq-server stop >/dev/null 2>&1 || true
  service postgresql stop >/dev/null 2>&1 || true
  service prometheus stop >/dev/null 2>&1 || true
fi

# The Kubernetes schemas the manifests are validated against (kubernetes-models, pinned in package-lock.json).
validate="$(cd "$(dirname "$0")/.." && pwd)/deploy/k8s/validate"
if [ ! -d "$validate/node_modules" ] && [ -f "$validate/package-lock.json" ]; then
  echo "==> npm ci in deploy/k8s/validate"
  (cd "$validate" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

command -v dotnet >/dev/null || { echo "the .NET 10 SDK (dotnet) is required on PATH" >&2; exit 1; }
# The repository's own .NET tools (.config/dotnet-tools.json): CSharpier, whose layout a unit test checks.
(cd "$(dirname "$0")/.." && dotnet tool restore >/dev/null)
