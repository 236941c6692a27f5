# shellcheck shell=bash
# Start a throw-away PostgreSQL server for the store tests, and point the tests at it.
#
#   . .ci/postgres.sh        # as root on Debian/Ubuntu; installs postgresql if missing
#   python -m pytest -q      # tests/test_store.py now also runs every test on PostgreSQL
#   pg_stop                  # stop the server (e.g. `trap pg_stop EXIT` after sourcing)
#
# Source it, do not execute it: it exports INCIDEX_TEST_PG and defines pg_stop. Idempotent:
# a second run reuses the cluster, the role and the database. The cluster is tuned for speed
# (fsync off), listens on 127.0.0.1 only, and trusts local connections: tests only.
# Overrides: INCIDEX_PG_DIR (default /tmp/incidex-pg), INCIDEX_PG_PORT (default 54329).

INCIDEX_PG_DIR="${INCIDEX_PG_DIR:-/tmp/incidex-pg}"
INCIDEX_PG_PORT="${INCIDEX_PG_PORT:-54329}"

_pg_bin() {
    # The newest installed server's binaries (Debian keeps them off PATH).
    local d
    d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    [ -n "$d" ] && [ -x "$d/pg_ctl" ] && echo "$d"
}

_pg_as_postgres() {
    # initdb and the server refuse to run as root.
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

_pg_psql() {
    "$INCIDEX_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$INCIDEX_PG_PORT" \
        -U postgres -d postgres -tA "$@"
}

pg_stop() {
    [ -n "${INCIDEX_PG_BIN:-}" ] || return 0
    if _pg_as_postgres "$INCIDEX_PG_BIN/pg_ctl" -D "$INCIDEX_PG_DIR/data" status >/dev/null 2>&1; then
        _pg_as_postgres "$INCIDEX_PG_BIN/pg_ctl" -D "$INCIDEX_PG_DIR/data" -m fast -w stop >/dev/null
    fi
}

_pg_start() {
    INCIDEX_PG_BIN="$(_pg_bin)"
    if [ -z "$INCIDEX_PG_BIN" ]; then
        echo "postgres.sh: installing postgresql" >&2
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql \
            >/dev/null; } || { echo "postgres.sh: apt-get install postgresql failed" >&2; return 1; }
        INCIDEX_PG_BIN="$(_pg_bin)"
        [ -n "$INCIDEX_PG_BIN" ] || { echo "postgres.sh: no pg_ctl after install" >&2; return 1; }
    fi
    export INCIDEX_PG_BIN

    mkdir -p "$INCIDEX_PG_DIR"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$INCIDEX_PG_DIR"; fi
    if [ ! -s "$INCIDEX_PG_DIR/data/PG_VERSION" ]; then
        _pg_as_postgres "$INCIDEX_PG_BIN/initdb" -D "$INCIDEX_PG_DIR/data" -U postgres \
            -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$INCIDEX_PG_DIR/initdb.log" 2>&1 \
            || { echo "postgres.sh: initdb failed, see $INCIDEX_PG_DIR/initdb.log" >&2; return 1; }
    fi
    if ! _pg_as_postgres "$INCIDEX_PG_BIN/pg_ctl" -D "$INCIDEX_PG_DIR/data" status >/dev/null 2>&1
    then
        _pg_as_postgres "$INCIDEX_PG_BIN/pg_ctl" -D "$INCIDEX_PG_DIR/data" \
            -l "$INCIDEX_PG_DIR/server.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p $INCIDEX_PG_PORT -k $INCIDEX_PG_DIR" \
            -o "-c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start >/dev/null \
            || { echo "postgres.sh: server did not start, see $INCIDEX_PG_DIR/server.log" >&2
                 return 1; }
    fi

    # A role that may create databases: the tests make one per test and drop it after.
    _pg_psql -c "DO \$\$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'incidex') THEN
            CREATE ROLE incidex LOGIN CREATEDB PASSWORD 'incidex';
        END IF; END \$\$" || return 1
    if [ -z "$(_pg_psql -c "SELECT 1 FROM pg_database WHERE datname = 'incidex'")" ]; then
        _pg_psql -c "CREATE DATABASE incidex OWNER incidex" || return 1
    fi
    export INCIDEX_TEST_PG="postgresql://incidex:incidex@127.0.0.1:$INCIDEX_PG_PORT/incidex"
    echo "postgres.sh: PostgreSQL $("$INCIDEX_PG_BIN/postgres" -V | awk '{print $3}') on" \
        "127.0.0.1:$INCIDEX_PG_PORT; INCIDEX_TEST_PG=$INCIDEX_TEST_PG" >&2
}

_pg_start
