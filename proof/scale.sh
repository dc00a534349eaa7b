#!/usr/bin/env bash
# make scale: a 100,000-person community on PostgreSQL; feed, group and story pages p95 < 100 ms.
# Needs PostgreSQL (PG_URL, default postgres://postgres@127.0.0.1:5432). Creates the
# database sw_scale, seeds it, measures, and drops it again (KEEP_DB=1 keeps it).
set -euo pipefail
cd "$(dirname "$0")/.."
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
DB=${SCALE_DB:-sw_scale}
USERS=${SCALE_USERS:-100000}
SAMPLE=${SCALE_SAMPLE:-150}
PY=.venv/bin/python
WORK=$(mktemp -d /tmp/sw_scale.XXXXXX)
export DATABASE_URL="$PG_URL/$DB" STRIDEWELL_DATA_DIR="$WORK" STRIDEWELL_CACHE_URL=locmem://

psql_admin() { $PY - "$PG_URL/postgres" "$1" <<'PYEOF'
import sys, psycopg
with psycopg.connect(sys.argv[1], autocommit=True) as conn:
    conn.execute(sys.argv[2])
PYEOF
}
cleanup() {
    [ "${KEEP_DB:-0}" = 1 ] || psql_admin "DROP DATABASE IF EXISTS $DB WITH (FORCE)" || true
    rm -rf "$WORK"
}
trap cleanup EXIT

psql_admin "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
psql_admin "CREATE DATABASE $DB"
$PY -m stridewell.cli migrate -v0
echo "== seeding $USERS people ($(date -u +%FT%TZ))"
$PY -m stridewell.cli seed_community --users "$USERS" --seed 7
$PY - <<'PYEOF'
import os, psycopg
with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
    conn.execute("VACUUM ANALYZE")
PYEOF
echo "== measuring ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
$PY -m proof.load_scale --sample "$SAMPLE"
