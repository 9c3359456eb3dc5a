#!/usr/bin/env bash
# Two planner processes on ports 8501 and 8502 without systemd (a test server, a laptop demo):
#   PLANNER_DB=postgresql://planner@localhost/planner deploy/run-two.sh [secrets.toml]
# Stops both on Ctrl-C.  Put nginx (deploy/nginx/planner.conf) in front of them.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${PLANNER_DB:?set PLANNER_DB, e.g. postgresql://planner@localhost/planner}"
secrets=()
if [ $# -ge 1 ]; then secrets=(--secrets.files "$1"); fi
python -m planner store upgrade
pids=()
for port in 8501 8502; do
  python -m streamlit run app.py --server.port "$port" --server.address 127.0.0.1 --server.headless true \
    "${secrets[@]}" &
  pids+=($!)
done
trap 'kill "${pids[@]}" 2>/dev/null' INT TERM EXIT
wait
