# Sourced by scripts/test.sh.
# The proxy's spend-store tests run against a real PostgreSQL at 127.0.0.1:5432 (trust auth, user
# postgres). Start the local cluster when it is installed but not running; say how to get one
# otherwise. DHEERA_SKIP_POSTGRES=1 skips those tests on purpose (they say so in the output).
postgres_up() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h 127.0.0.1 -p 5432
  else
    (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null
  fi
}

ensure_postgres() {
  if [ "${DHEERA_SKIP_POSTGRES:-}" = "1" ]; then
    echo "DHEERA_SKIP_POSTGRES=1: the PostgreSQL spend-store tests will be skipped."
    return 0
  fi
  postgres_up && return 0
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    for version in $(ls /etc/postgresql); do
      echo "PostgreSQL is not up; starting cluster $version/main..."
      pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    done
    for _ in $(seq 1 30); do
      postgres_up && return 0
      sleep 1
    done
  fi
  cat >&2 <<'MSG'
PostgreSQL is not running on 127.0.0.1:5432, and it could not be started here.
The proxy's spend-store tests need one with trust auth for user postgres. Start one with:
  docker run --rm -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:16
or your OS package (Debian/Ubuntu: apt-get install postgresql, allow trust auth for 127.0.0.1 in
pg_hba.conf, then pg_ctlcluster <version> main start; macOS: brew install postgresql@16 &&
brew services start postgresql@16), then run this again.
To run everything else without it: DHEERA_SKIP_POSTGRES=1 bash scripts/test.sh
MSG
  return 1
}

