#!/usr/bin/env bash
# README's first command: install, build, and start the dheera_ai proxy on port 4000 with
# packages/proxy/examples/config.yaml (real Azure when AZURE_API_KEY and AZURE_API_BASE are set,
# the bundled Azure emulator otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/pnpm.sh
pnpm install --frozen-lockfile
pnpm turbo run build --output-logs=errors-only
# exec, not `pnpm start`: pnpm answers Ctrl-C with its own "ELIFECYCLE Command failed" and exit
# code 2 even when the gateway drained and exited 0; started directly, one Ctrl-C drains quietly.
exec node packages/proxy/examples/start.mjs "$@"
