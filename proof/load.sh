#!/usr/bin/env bash
# make load: 200 simulated people against the app served as the README says, twice:
#   1. a group's install: gunicorn (LOAD_WORKERS sync workers), PostgreSQL (database sw_load),
#      the Redis task backend with two rqworkers, the cache on Redis (db LOAD_REDIS_DB);
#   2. a household's install: the same gunicorn on the embedded SQLite, the file cache and
#      one db_worker.
# Prints a Markdown table per install for docs/performance.md; exits 1 if a goal is missed.
# Everyone signs in first (a password hash each, by design slow); then LOAD_MEASURE seconds
# are measured. Knobs: LOAD_USERS (200) LOAD_MEASURE (60) LOAD_RATE (10/s) LOAD_WORKERS (4)
# LOAD_ONLY (pg|sqlite) KEEP_WORK=1 (keep the logs and CSVs in /tmp/sw_load.*)
# LOAD_CLASS (Runner, the mix; LightestPage: only the lightest page, the machine's ceiling).
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
DB=${LOAD_DB:-sw_load}
REDIS=${LOAD_REDIS:-redis://127.0.0.1:6379/${LOAD_REDIS_DB:-3}}
USERS=${LOAD_USERS:-200}
MEASURE=${LOAD_MEASURE:-60}
RATE=${LOAD_RATE:-10}
WORKERS=${LOAD_WORKERS:-4}
PORT=${LOAD_PORT:-8623}
WORK=$(mktemp -d /tmp/sw_load.XXXXXX)
PIDS=()
export LOAD_USERS=$USERS LOAD_MEASURE=$MEASURE LOAD_PASSWORD=stride-load-2026 OPENBLAS_NUM_THREADS=1
# All 200 people sign in from 127.0.0.1: the per-address sign-in limit (30 a minute by
# default, README) would turn most of them away and leave them browsing signed out.
export STRIDEWELL_LOGINS_PER_IP_PER_MINUTE=100000

pg_admin() { $PY - "$PG_URL/postgres" "$1" <<'PYEOF'
import sys, psycopg
with psycopg.connect(sys.argv[1], autocommit=True) as conn:
    conn.execute(sys.argv[2])
PYEOF
}

stop_all() {
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
    PIDS=()
}

cleanup() {
    stop_all
    pg_admin "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1
    $PY - "$REDIS" <<'PYEOF' >/dev/null 2>&1
import sys, redis
redis.Redis.from_url(sys.argv[1]).flushdb()
PYEOF
    [ "${KEEP_WORK:-0}" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

start() {  # start NAME COMMAND...: in the background, output to $WORK/NAME.log
    local name=$1; shift
    "$@" >"$WORK/$name.log" 2>&1 &
    PIDS+=($!)
}

wait_for_server() {
    for _ in $(seq 1 120); do
        if $PY -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$PORT/accounts/login/', timeout=10)" 2>/dev/null; then
            return 0
        fi
        sleep 1
    done
    echo "the server did not answer; see $WORK/web.log" >&2
    return 1
}

seed() {
    $PY -m stridewell.cli migrate -v0 &&
        $PY -m stridewell.cli seed_community --users "$USERS" --runs 40 --checkins 90 --days 100 --seed 11
}

serve_and_load() {  # serve_and_load NAME WORKER_COMMAND...: gunicorn + workers, then locust
    local name=$1; shift
    start web $PY -m gunicorn stridewell.wsgi --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
        --timeout 120 --backlog 2048 --no-control-socket
    start worker1 "$@"
    [ "$name" = pg ] && start worker2 "$@"
    wait_for_server || return 1
    echo "== $name: $USERS people, ${MEASURE}s measured after a $RATE/s ramp, $WORKERS gunicorn workers ($(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg))"
    .venv/bin/locust -f proof/locustfile.py "${LOAD_CLASS:-Runner}" --headless -u "$USERS" -r "$RATE" -t 15m \
        --host "http://127.0.0.1:$PORT" --csv "$WORK/$name" --only-summary \
        >"$WORK/locust-$name.log" 2>&1
    grep -E "Sign-ins|signed in|Measuring" "$WORK/locust-$name.log"
    $PY -m proof.load_imports --wait 120  # the workers must have imported every upload
    local imports=$?
    stop_all
    return $imports
}

wanted() { [ -z "${LOAD_ONLY:-}" ] || [ "$LOAD_ONLY" = "$1" ]; }

status=0
if wanted pg; then
    echo "== PostgreSQL ($DB), Redis tasks and cache ($REDIS)"
    pg_admin "DROP DATABASE IF EXISTS $DB WITH (FORCE)" && pg_admin "CREATE DATABASE $DB" || exit 1
    export DATABASE_URL="$PG_URL/$DB" STRIDEWELL_DATA_DIR="$WORK/pg"
    export STRIDEWELL_TASK_BACKEND=redis REDIS_URL="$REDIS" STRIDEWELL_CACHE_URL="$REDIS"
    seed && serve_and_load pg $PY -m stridewell.cli rqworker default --job-class django_tasks_rq.Job --with-scheduler || status=1
    unset DATABASE_URL STRIDEWELL_TASK_BACKEND REDIS_URL STRIDEWELL_CACHE_URL
    $PY -m proof.load_report "$WORK/pg" --title "PostgreSQL, $WORKERS gunicorn workers, Redis (2 rqworkers)" \
        --goal-rps 150 --goal-p95 250 --server-log "$WORK/web.log" || status=1
fi
if wanted sqlite; then
    echo "== SQLite (WAL), file cache, db_worker"
    export STRIDEWELL_DATA_DIR="$WORK/sqlite"
    seed && serve_and_load sqlite $PY -m stridewell.cli db_worker --no-reload --interval 0.5 || status=1
    $PY -m proof.load_report "$WORK/sqlite" --title "SQLite, $WORKERS gunicorn workers, db_worker" \
        --goal-rps 50 --server-log "$WORK/web.log" || status=1
fi
exit $status
