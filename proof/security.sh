#!/usr/bin/env bash
# make security: the production settings pass Django's deploy checks, the headers and
# cookies a production instance sends, and the security tests (docs/reliability.md).
# Run from the repository root after `make test` has built .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# The production environment README.md documents (Configuration): TLS in front, one proxy.
# env -i: nothing from this shell (a DEBUG=1, a stray SECRET_KEY) may colour the result.
production=(
  env -i "PATH=$PATH" "HOME=$scratch" "STRIDEWELL_DATA_DIR=$scratch/data"
  DEBUG=False ALLOWED_HOSTS=run.example.org CSRF_TRUSTED_ORIGINS=https://run.example.org
  STRIDEWELL_HTTPS=1 STRIDEWELL_TRUSTED_PROXIES=1
)

echo "== manage.py check --deploy --fail-level WARNING (production env)"
"${production[@]}" "$PY" manage.py check --deploy --fail-level WARNING

echo
echo "== headers and cookies of a production response"
"${production[@]}" "$PY" -m proof.security_headers

echo
echo "== security tests"
tests=(stridewell/accounts/tests/test_security_*.py)
start=$(date +%s)
set +e
.venv/bin/pytest -q -p no:cacheprovider -rs "${tests[@]}" | tee "$scratch/pytest.log"
status=${PIPESTATUS[0]}
set -e
summary=$(tail -n 1 "$scratch/pytest.log")

echo
echo "== summary"
echo "deploy check: no issues"
echo "tests: ${#tests[@]} files, $summary ($(($(date +%s) - start)) s)"
if grep -q "skipped" <<<"$summary"; then
  echo "note: the browser test skips without Chromium (apt-get install chromium)"
fi
exit "$status"
