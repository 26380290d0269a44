#!/usr/bin/env bash
# Every test, from a fresh clone: install, build, package checks, tests. The proxy's spend-store
# tests need PostgreSQL at 127.0.0.1:5432; ensure_postgres starts a local cluster or says how.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pnpm.sh
source scripts/ensure-postgres.sh
ensure_postgres
pnpm install --frozen-lockfile
pnpm turbo run build typecheck lint test --output-logs=errors-only --continue=dependencies-successful
node scripts/summarize-tests.mjs
