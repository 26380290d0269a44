# Sourced by the other scripts: makes `pnpm` the version pinned in package.json's
# packageManager, installing it with npm when missing (corepack is not usable on every machine).
# Read from the repository root whichever directory this is sourced from.
PNPM_VERSION="$(node -p "require('$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/package.json').packageManager.split('@')[1]")"
if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  echo "Installing pnpm@$PNPM_VERSION with npm..."
  npm install --global --no-fund --no-audit "pnpm@$PNPM_VERSION" >/dev/null
fi
export TURBO_TELEMETRY_DISABLED=1
