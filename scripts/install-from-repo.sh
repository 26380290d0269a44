#!/usr/bin/env bash
# Installs Dheera from this repository with plain npm, until the packages are on the registry:
# packs every publishable package (pnpm pack turns workspace:* into real versions) and installs
# the tarballs together, so npm finds @dheera/core among them instead of asking the registry.
#
#   bash scripts/install-from-repo.sh sdk <folder>     the SDK and the provider packages into <folder>
#   bash scripts/install-from-repo.sh proxy            the dheera_ai command, globally (npm install -g)
#   bash scripts/install-from-repo.sh proxy <folder>   the dheera_ai command into <folder> (npx dheera_ai)
#
# <folder> is created if needed, and given a package.json if it has none; the tarballs stay in
# <folder>/dheera-packages, which its package.json then points at. Builds first if a package
# is not built yet.
set -euo pipefail
usage() {
  sed -n '5,7p' "$0" | sed 's/^# *//' >&2
  exit 2
}
what="${1:-}"
target="${2:-}"
[ "$what" = "sdk" ] || [ "$what" = "proxy" ] || usage
[ "$what" = "proxy" ] || [ -n "$target" ] || usage

repo="$(cd "$(dirname "$0")/.." && pwd)"
source "$repo/scripts/pnpm.sh"

# Every package that is published (not private), by folder; the sdk set leaves the proxy out,
# the proxy set the sdk.
packages=()
for dir in "$repo"/packages/*/; do
  name="$(node -p "const p=require('${dir}package.json'); p.private ? '' : p.name")"
  [ -n "$name" ] || continue
  [ "$what" = "sdk" ] && [ "$name" = "@dheera/proxy" ] && continue
  [ "$what" = "proxy" ] && [ "$name" = "@dheera/sdk" ] && continue
  packages+=("$dir")
done

for dir in "${packages[@]}"; do
  if [ ! -d "${dir}dist" ]; then
    echo "Building the packages first (${dir#"$repo"/} has no dist)..."
    (cd "$repo" && pnpm install --frozen-lockfile && pnpm turbo run build --output-logs=errors-only)
    break
  fi
done

if [ -n "$target" ]; then
  mkdir -p "$target"
  target="$(cd "$target" && pwd)"
  packs="$target/dheera-packages"
else
  packs="$(mktemp -d)"
  trap 'rm -rf "$packs"' EXIT
fi
mkdir -p "$packs"
tarballs=()
for dir in "${packages[@]}"; do
  file="$(cd "$dir" && pnpm pack --pack-destination "$packs" | tail -n 1)"
  tarballs+=("$file")
done

npm_flags=(--no-audit --no-fund --loglevel=error)
if [ -z "$target" ]; then
  npm install --global "${npm_flags[@]}" "${tarballs[@]}"
  echo "Installed $(printf '%s ' "${tarballs[@]##*/}")globally: run dheera_ai --config config.yaml"
  exit 0
fi
[ -f "$target/package.json" ] || printf '{\n  "name": "%s",\n  "private": true,\n  "type": "module"\n}\n' "$(basename "$target" | tr -c 'a-z0-9._\n-' '-')" >"$target/package.json"
(cd "$target" && npm install "${npm_flags[@]}" "${tarballs[@]}")
if [ "$what" = "proxy" ]; then
  echo "Installed into $target: run (cd $target && npx dheera_ai --config config.yaml)"
else
  echo "Installed into $target: import { responses } from \"@dheera/sdk\" there"
fi
