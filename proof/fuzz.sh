#!/usr/bin/env bash
# make fuzz: fuzz every importer (FIT, GPX, TCX, zip, Strava/our CSV list, Daylio CSV) with
# atheris, seeded from the real files in ../shared/data, FUZZ_RUNS inputs per format.
# Fails when any input made an importer do anything but import or refuse it clearly,
# hang past FUZZ_TIMEOUT seconds, or grow past FUZZ_RSS_MB. See proof/fuzz_files.py.
#
#   FUZZ_RUNS=100000     inputs per format (FUZZ_RUNS=2000 for a quick smoke run)
#   FUZZ_FORMATS="fit gpx tcx zip strava_csv daylio"
#   FUZZ_JOBS=2          formats fuzzed at once (one process each)
#   FUZZ_TIMEOUT=10      seconds one input may take
#   FUZZ_RSS_MB=2048     memory one fuzzing process may reach (libFuzzer's default). The
#                        fuzzing process grows with libFuzzer's bookkeeping (FIT: ~900 MB
#                        after 100,000 inputs); the replay step measures the importers alone.
#   FUZZ_DIR             where corpora, logs and failing inputs go (default: a new /tmp dir)
#   STRIDEWELL_SHARED_DATA  the real files (default: ../shared/data beside the checkout)
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
RUNS=${FUZZ_RUNS:-100000}
FORMATS=${FUZZ_FORMATS:-"fit tcx gpx zip strava_csv daylio"}
JOBS=${FUZZ_JOBS:-2}
TIMEOUT=${FUZZ_TIMEOUT:-10}
RSS=${FUZZ_RSS_MB:-2048}
DATA=${STRIDEWELL_SHARED_DATA:-../shared/data}
WORK=${FUZZ_DIR:-$(mktemp -d /tmp/stridewell-fuzz.XXXXXX)}
DAYLIO=stridewell/wellbeing/tests/data/daylio_export.csv

if [ ! -d "$DATA/activities" ]; then
    echo "fuzz: no real files at $DATA (set STRIDEWELL_SHARED_DATA)" >&2
    exit 2
fi
mkdir -p "$WORK/artifacts" "$WORK/logs"
"$PY" -m proof.fuzz_files seeds "$DATA" "$WORK" "$DAYLIO"
echo "fuzz: $RUNS inputs per format, $JOBS at a time, work in $WORK"

fuzz_one() {
    local fmt=$1
    # -max_len: the big FIT/TCX seeds are cut to 64 KB (their headers and first records);
    # whole small files and shrunk copies of the XML files keep the full structure in play.
    "$PY" -m proof.fuzz_files run "$fmt" "$WORK" \
        -atheris_runs="$RUNS" -timeout="$TIMEOUT" -rss_limit_mb="$RSS" -max_len=65536 \
        -artifact_prefix="$WORK/artifacts/$fmt-" >"$WORK/logs/$fmt.log" 2>&1 || {
        echo "fuzz: $fmt stopped early (exit $?): tail of $WORK/logs/$fmt.log" >&2
        tail -n 15 "$WORK/logs/$fmt.log" >&2
    }
    echo "fuzz: $fmt: $(grep -a '^Done ' "$WORK/logs/$fmt.log" | tail -n 1 || true)"
}

for fmt in $FORMATS; do
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do
        wait -n || true
    done
    fuzz_one "$fmt" &
done
wait

# The fuzzing process's memory includes libFuzzer's own bookkeeping, which grows run by
# run; replaying every kept input in a fresh process measures the importers alone.
for fmt in $FORMATS; do
    "$PY" -m proof.fuzz_files replay "$fmt" "$WORK" "$TIMEOUT" >"$WORK/logs/$fmt-replay.log" 2>&1 ||
        echo "fuzz: replaying $fmt failed: see $WORK/logs/$fmt-replay.log" >&2
done

echo "fuzz: logs, corpora and any failing inputs are in $WORK"
"$PY" -m proof.fuzz_files summary "$WORK" "$RUNS" $FORMATS
