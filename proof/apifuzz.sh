#!/usr/bin/env bash
# make apifuzz: schemathesis against /api/v1/openapi.json as a signed-in runner with data.
#
# A scratch data folder (SQLite) is migrated and seeded by proof/apifuzz.py, gunicorn
# serves it on a free local port, and `st run` fuzzes every operation with the checks
# below. Exits non-zero when any check fails. Knobs (environment):
#   APIFUZZ_EXAMPLES  test cases per operation and phase (default 60)
#   APIFUZZ_SEED      hypothesis seed (default 20261205; change it to explore further)
#   APIFUZZ_CHECKS    schemathesis checks (default: the five response checks, the data
#                     checks and the auth/method checks)
#   APIFUZZ_DIR       where the data, server log and reports go (default: a temp folder)
#   APIFUZZ_KEEP=1    keep that folder afterwards
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
EXAMPLES="${APIFUZZ_EXAMPLES:-60}"
SEED="${APIFUZZ_SEED:-20261205}"
CHECKS="${APIFUZZ_CHECKS:-not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance,negative_data_rejection,positive_data_acceptance,missing_required_header,unsupported_method,ignored_auth,use_after_free,ensure_resource_availability}"
DIR="${APIFUZZ_DIR:-$(mktemp -d /tmp/sw-apifuzz.XXXXXX)}"
PORT="$($PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

export DJANGO_SETTINGS_MODULE=stridewell.settings
export STRIDEWELL_DATA_DIR="$DIR/data"
export STRIDEWELL_TASK_BACKEND=immediate  # imports finish inside the request: no worker needed
export STRIDEWELL_CACHE_URL=locmem://
# The fuzzer sends wrong tokens on purpose (ignored_auth); the guessing lock-out would
# then answer 429 to everything. It has its own test in the security suite.
export STRIDEWELL_API_TOKEN_FAILURES=100000000
# Posting limits stay as they are: their 429 answers are part of the schema.
unset DATABASE_URL

SERVER_PID=""
cleanup() {
	if [[ -n "$SERVER_PID" ]]; then
		kill "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
	fi
	if [[ "${APIFUZZ_KEEP:-0}" != 1 ]]; then
		rm -rf "$DIR"
	else
		echo "kept $DIR"
	fi
}
trap cleanup EXIT

rm -rf "$STRIDEWELL_DATA_DIR"
mkdir -p "$STRIDEWELL_DATA_DIR" "$DIR/report"
echo "== migrating and seeding a scratch instance in $STRIDEWELL_DATA_DIR"
$PY manage.py migrate --verbosity 0
TOKEN="$($PY -m proof.apifuzz seed)"
$PY -m proof.apifuzz excluded
mapfile -t EXCLUDE < <($PY -m proof.apifuzz exclude-args)

echo "== serving on 127.0.0.1:$PORT (gunicorn, 2 workers)"
.venv/bin/gunicorn stridewell.wsgi:application --bind "127.0.0.1:$PORT" --workers 2 \
	--timeout 120 --log-level warning >"$DIR/server.log" 2>&1 &
SERVER_PID=$!
BASE="http://127.0.0.1:$PORT"
# Fetched here, not by st: its schema request gives up after 10 s on a busy machine.
SCHEMA="$DIR/openapi.json"
for _ in $(seq 120); do
	curl -sf --max-time 60 -o "$SCHEMA" "$BASE/api/v1/openapi.json" && break
	sleep 1
done
if [[ ! -s "$SCHEMA" ]]; then
	echo "apifuzz: the server did not come up; see $DIR/server.log"
	exit 1
fi

echo "== schemathesis: $EXAMPLES examples per operation, seed $SEED"
# One worker: a seed then gives the same run; the phases are examples, coverage
# (boundary and negative values from the schema), fuzzing and stateful (links).
set +e
.venv/bin/st run "$SCHEMA" --url "$BASE" \
	--header "Authorization: Bearer $TOKEN" \
	--checks "$CHECKS" \
	--max-examples "$EXAMPLES" --seed "$SEED" --workers 1 \
	--request-timeout 60 \
	--report ndjson,junit --report-dir "$DIR/report" \
	--report-ndjson-path "$DIR/report/events.ndjson" \
	--report-junit-path "$DIR/report/junit.xml" \
	"${EXCLUDE[@]}" \
	>"$DIR/st.log" 2>&1
ST_STATUS=$?
set -e
tail -n 40 "$DIR/st.log"

echo "== per-check results"
SUMMARY_STATUS=0
$PY -m proof.apifuzz summary "$DIR/report/events.ndjson" "$DIR/server.log" || SUMMARY_STATUS=$?
# st exits 1 for any failed check, informational ones too: the summary decides;
# anything else from st (2 and up) means it could not run.
if [[ $ST_STATUS -gt 1 || $SUMMARY_STATUS -ne 0 ]]; then
	echo "apifuzz: FAILED (schemathesis exit $ST_STATUS); full log: $DIR/st.log (set APIFUZZ_KEEP=1 to keep it)"
	exit 1
fi
echo "apifuzz: OK"
