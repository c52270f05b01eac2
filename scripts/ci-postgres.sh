#!/usr/bin/env bash
# Start a local PostgreSQL server for the store tests and print its URL.
#
#   export STORYLENS_TEST_PG_URL="$(sudo bash scripts/ci-postgres.sh | tail -n 1)"
#   pytest tests/test_store.py          # the store suite then runs on SQLite and PostgreSQL
#
# For a fresh Debian 12 machine, run as root; safe to run again (it installs only
# what is missing, starts the cluster only when it is down, and keeps an existing
# role and database). The server listens on 127.0.0.1 only (Debian's default).
# Override the names with STORYLENS_PG_USER / STORYLENS_PG_PASSWORD / STORYLENS_PG_DB.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

PG_USER="${STORYLENS_PG_USER:-storylens}"
PG_PASSWORD="${STORYLENS_PG_PASSWORD:-storylens}"
PG_DB="${STORYLENS_PG_DB:-storylens_test}"

if [ "$(id -u)" != 0 ]; then
  # an empty last line: the PostgreSQL half of the store suite then skips, with its reason
  echo "ci-postgres.sh: not root, so no PostgreSQL server is set up (run it as root)" >&2
  echo ""
  exit 0
fi

if ! command -v pg_lsclusters >/dev/null 2>&1; then
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >/dev/null
fi

# The newest installed cluster; create one when the package left none behind.
cluster="$(pg_lsclusters --no-header 2>/dev/null | sort -k1,1V | tail -n 1 || true)"
if [ -z "$cluster" ]; then
  version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
  pg_createcluster "$version" main >&2
  cluster="$(pg_lsclusters --no-header | sort -k1,1V | tail -n 1)"
fi
read -r version name port status _ <<<"$cluster"
if [ "$status" != "online" ]; then
  pg_ctlcluster "$version" "$name" start >&2
fi

# Wait (bounded) until the server accepts connections.
for _ in $(seq 1 30); do
  if runuser -u postgres -- pg_isready -q -h 127.0.0.1 -p "$port"; then
    break
  fi
  sleep 1
done
runuser -u postgres -- pg_isready -q -h 127.0.0.1 -p "$port" || {
  echo "ci-postgres.sh: PostgreSQL $version/$name did not start; see /var/log/postgresql/" >&2
  exit 1
}

psql_admin() {
  runuser -u postgres -- psql -p "$port" -v ON_ERROR_STOP=1 -qtAX "$@"
}

if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER'")" != 1 ]; then
  psql_admin -c "CREATE ROLE \"$PG_USER\" LOGIN PASSWORD '$PG_PASSWORD'" >&2
fi
if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" != 1 ]; then
  psql_admin -c "CREATE DATABASE \"$PG_DB\" OWNER \"$PG_USER\"" >&2
fi

echo "postgresql://$PG_USER:$PG_PASSWORD@127.0.0.1:$port/$PG_DB"
