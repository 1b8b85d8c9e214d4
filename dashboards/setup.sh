#!/usr/bin/env bash
# dashboards/setup.sh - installs the dashboards and the anomaly detector on the compose stack:
#   1. waits until OpenSearch and OpenSearch Dashboards answer;
#   2. waits (up to READINGS_TIMEOUT) for the pipeline's first readings: Dashboards reads the
#      index pattern's fields from them, and the detector cannot be created on an empty index;
#   3. imports every dashboards/*.ndjson (POST /api/saved_objects/_import?overwrite=true);
#   4. creates the anomaly detector of anomaly-detector.json unless one has its name, and starts it.
# Safe to run again: saved objects are overwritten, the detector is found by name and not doubled.
#
# Settings (environment; needs only bash, curl, grep and sed):
#   OPENSEARCH_URL [https://localhost:9200]   DASHBOARDS_URL [http://localhost:5601]
#   OPENSEARCH_USER [admin]   OPENSEARCH_PASSWORD [OPENSEARCH_INITIAL_ADMIN_PASSWORD of ../.env]
#   OPENSEARCH_CA_FILE [none: the demo certificate is not checked, as curl -k]
#   DASHBOARDS_TENANT [global]  WAIT_TIMEOUT [300]  READINGS_TIMEOUT [900]  (seconds)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OPENSEARCH_URL=${OPENSEARCH_URL:-https://localhost:9200}
DASHBOARDS_URL=${DASHBOARDS_URL:-http://localhost:5601}
OPENSEARCH_USER=${OPENSEARCH_USER:-admin}
DASHBOARDS_TENANT=${DASHBOARDS_TENANT:-global}
WAIT_TIMEOUT=${WAIT_TIMEOUT:-300}
READINGS_TIMEOUT=${READINGS_TIMEOUT:-900}
READINGS='opt-waits-readings*'
DETECTOR_FILE=$here/anomaly-detector.json

say() { printf '[dashboards-setup] %s\n' "$*"; }
die() {
  printf '[dashboards-setup] ERROR: %s\n' "$*" >&2
  exit 1
}

if [[ -z ${OPENSEARCH_PASSWORD:-} && -f $here/../.env ]]; then
  OPENSEARCH_PASSWORD=$(sed -n 's/^OPENSEARCH_INITIAL_ADMIN_PASSWORD=//p' "$here/../.env" | tail -n 1)
fi
[[ -n ${OPENSEARCH_PASSWORD:-} ]] || die "set OPENSEARCH_PASSWORD (or OPENSEARCH_INITIAL_ADMIN_PASSWORD in .env)"

tls=(-k)
[[ -n ${OPENSEARCH_CA_FILE:-} ]] && tls=(--cacert "$OPENSEARCH_CA_FILE")
# the password goes to curl on stdin (-K -, a curl config line), never on its command line
auth() {
  local user="$OPENSEARCH_USER:$OPENSEARCH_PASSWORD"
  user=${user//\\/\\\\}
  printf 'user = "%s"\n' "${user//\"/\\\"}"
}
os() { # os METHOD PATH [curl args...]: OpenSearch's answer on stdout
  local method=$1 path=$2
  shift 2
  auth | curl -sS --max-time 30 "${tls[@]}" -K - -X "$method" -H 'Content-Type: application/json' "$OPENSEARCH_URL$path" "$@"
}
osd() { # osd METHOD PATH [curl args...]: Dashboards' answer on stdout
  local method=$1 path=$2
  shift 2
  auth | curl -sS --max-time 60 -K - -X "$method" -H 'osd-xsrf: true' -H "securitytenant: $DASHBOARDS_TENANT" \
    "$DASHBOARDS_URL$path" "$@"
}

# wait_for WHAT TIMEOUT COMMAND...: runs COMMAND every 5 s until it succeeds
wait_for() {
  local what=$1 timeout=$2 started=$SECONDS
  shift 2
  until "$@" >/dev/null 2>&1; do
    ((SECONDS - started < timeout)) || return 1
    say "waiting for $what... $((SECONDS - started))s"
    sleep 5
  done
}
# (answers are read whole, then matched: no grep -q on a pipe, whose early exit would fail curl)
opensearch_up() { [[ $(os GET /_cluster/health) =~ \"status\":\"(green|yellow)\" ]]; }
dashboards_up() { [[ $(osd GET /api/status) =~ \"overall\":\{[^}]*\"state\":\"green\" ]]; }
has_readings() { [[ $(os GET "/$READINGS/_count") =~ \"count\":[1-9] ]]; }

wait_for "OpenSearch at $OPENSEARCH_URL" "$WAIT_TIMEOUT" opensearch_up || die "OpenSearch did not answer in ${WAIT_TIMEOUT}s"
wait_for "Dashboards at $DASHBOARDS_URL" "$WAIT_TIMEOUT" dashboards_up || die "Dashboards did not answer in ${WAIT_TIMEOUT}s"
readings=yes
wait_for "the first readings in $READINGS (start the pipeline: bin/start)" "$READINGS_TIMEOUT" has_readings || readings=no

# --- saved objects: one import of every .ndjson, index patterns first (file names sort them) ---
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat "$here"/*.ndjson >"$tmp/opt-waits.ndjson"
answer=$(osd POST '/api/saved_objects/_import?overwrite=true' -F "file=@$tmp/opt-waits.ndjson")
grep -q '"success":true' <<<"$answer" || die "import refused: $answer"
say "imported $(grep -o '"successCount":[0-9]*' <<<"$answer" | cut -d: -f2) saved objects (dashboard: $DASHBOARDS_URL/app/dashboards#/view/opt-waits-overview)"

# --- anomaly detector: found by name, else created; then started if its job is not running ---
if [[ $readings == no ]]; then
  say "no readings after ${READINGS_TIMEOUT}s: detector not created; run this script again once the pipeline indexed some"
  exit 2
fi
name=$(sed -n 's/^ *"name": *"\([^"]*\)".*/\1/p' "$DETECTOR_FILE" | head -n 1)
found=$(os POST /_plugins/_anomaly_detection/detectors/_search \
  -d "{\"query\":{\"term\":{\"name.keyword\":\"$name\"}}}" || true)
id=$(grep -o '"_id":"[^"]*"' <<<"$found" | head -n 1 | cut -d'"' -f4 || true)
if [[ -z $id ]]; then
  created=$(os POST /_plugins/_anomaly_detection/detectors --data-binary "@$DETECTOR_FILE")
  id=$(grep -o '"_id":"[^"]*"' <<<"$created" | head -n 1 | cut -d'"' -f4 || true)
  [[ -n $id ]] || die "detector not created: $created"
  say "detector $name created ($id)"
else
  say "detector $name exists ($id): kept as it is (delete it to create it again from $DETECTOR_FILE)"
fi
if [[ $(os GET "/_plugins/_anomaly_detection/detectors/$id?job=true") =~ \"anomaly_detector_job\":\{.*\"enabled\":true ]]; then
  say "detector $name is already running"
else
  started=$(os POST "/_plugins/_anomaly_detection/detectors/$id/_start")
  grep -q "\"_id\":\"$id\"" <<<"$started" || die "detector not started: $started"
  say "detector $name started: results in opensearch-ad-plugin-result-opt-waits*, on the dashboard after a few intervals"
fi
