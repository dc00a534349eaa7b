#!/usr/bin/env bash
# The leak sweep (docs/reliability.md, section 4): every URL pattern and every API operation,
# filled with each object of a richly populated second user ("Olive"), requested as a
# signed-out visitor, a stranger, her buddy, a member of her invite-only group and Olive.
# Usage: bash proof/leaks.sh   (from the repository root; extra arguments go to pytest)
# DATABASE_URL=postgres://... bash proof/leaks.sh   runs it on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
summary="$(mktemp)"
trap 'rm -f "$summary"' EXIT
status=0
LEAK_SWEEP_SUMMARY="$summary" .venv/bin/pytest -q -p no:cacheprovider \
    stridewell/community/tests/test_leak_sweep.py "$@" || status=$?
.venv/bin/python - "$summary" <<'PY'
import json
import sys

lines = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
if not lines:
    sys.exit("leak sweep: no summary written (did the tests run?)")
print(f"URL patterns swept:  {max(x['patterns'] for x in lines)}")
print(f"API operations:      {max(x['operations'] for x in lines)}")
print(f"viewers:             {len(lines)} ({', '.join(x['viewer'] for x in lines)})")
print(f"requests made:       {sum(x['requests'] for x in lines)}")
print(f"leaks found:         {sum(x['leaks'] for x in lines)}")
PY
exit "$status"
