#!/usr/bin/env bash
# make faults: a worker SIGKILLed mid-import (db_worker on SQLite, rqworker on PostgreSQL),
# PostgreSQL and Redis restarted under traffic,
# a full disk, and a backup restored into empty instances (proof/faults.py says how).
# Needs root for the scratch PostgreSQL cluster and the small tmpfs; a scenario that cannot
# run on this machine is reported as FAIL with the reason. Knobs: FAULTS_ONLY (kill,kill-rq,
# restart,disk,backup), FAULTS_FILES (500).
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python -m proof.faults --only "${FAULTS_ONLY:-kill,kill-rq,restart,disk,backup}" \
    --files "${FAULTS_FILES:-500}" "$@"
