#!/usr/bin/env bash
# Every test, from a fresh clone: install, build, package checks, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pnpm.sh
pnpm install --frozen-lockfile
pnpm turbo run build typecheck lint test --output-logs=errors-only --continue=dependencies-successful
node scripts/summarize-tests.mjs
