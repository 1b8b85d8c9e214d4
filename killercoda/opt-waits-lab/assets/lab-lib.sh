# shellcheck shell=bash
# Shared by the verify scripts of the lab (copied to /root/lab): settings and small helpers.
# Every setting is an environment variable whose default suits the KillerCoda VM, so the same
# scripts can check another machine (the project's LabVerifyIT runs them against its test stack).
# Needs bash, curl and python3; Kafka is read with `docker compose exec` or, when KAFKA_TOOLS_CP
# is set (a classpath holding Kafka's tools, e.g. '.stack/kafka/lib/*'), with java.
LAB_DIR=${LAB_DIR:-/root/opt-waits}
KAFKA_BOOTSTRAP=${KAFKA_BOOTSTRAP:-localhost:9092}
KAFKA_TOPIC=${KAFKA_TOPIC:-opt-waits-readings}
KAFKA_TOOLS_CP=${KAFKA_TOOLS_CP:-}
OPENSEARCH_URL=${OPENSEARCH_URL:-https://localhost:9200}
OPENSEARCH_USER=${OPENSEARCH_USER-admin} # empty: no authentication (an OpenSearch without security plugin)
OPENSEARCH_INDEX=${OPENSEARCH_INDEX:-opt-waits-readings}
SIM_URL=${SIM_URL:-http://localhost:8085}
HEALTH_URL=${HEALTH_URL:-http://localhost:9876/observe/health}
CSV_DIR=${CSV_DIR:-$LAB_DIR/data/csv}
DASHBOARDS_URL=${DASHBOARDS_URL:-http://localhost:5601}
CAMEL_CMD=${CAMEL_CMD:-$(command -v camel || echo "$HOME/.jbang/bin/camel")}
QUERIES_DIR=${QUERIES_DIR:-$(dirname "${BASH_SOURCE[0]}")}
if [[ -z ${OPENSEARCH_PASSWORD:-} && -f $LAB_DIR/.env ]]; then
  OPENSEARCH_PASSWORD=$(sed -n 's/^OPENSEARCH_INITIAL_ADMIN_PASSWORD=//p' "$LAB_DIR/.env" | tail -n 1)
fi

fail() {
  echo "Not yet: $*" >&2
  exit 1
}

# curl with the lab's credentials (given on stdin, not on the command line); -k: demo certificate
lab_curl() {
  if [[ -n $OPENSEARCH_USER ]]; then
    local user="$OPENSEARCH_USER:${OPENSEARCH_PASSWORD:-}"
    user=${user//\\/\\\\}
    printf 'user = "%s"\n' "${user//\"/\\\"}" | curl -fsS -k --max-time 15 -K - "$@"
  else
    curl -fsS -k --max-time 15 "$@"
  fi
}

# os_search FILE-OR-JSON: a search on the readings index; the answer on stdout
os_search() {
  local body=$1
  [[ -f $body ]] && body=$(<"$body")
  lab_curl -H 'Content-Type: application/json' "$OPENSEARCH_URL/$OPENSEARCH_INDEX/_search" -d "$body"
}

# json EXPRESSION: evaluates a Python expression on the JSON document read from stdin (as d)
json() { python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }

# the end offsets of the readings topic, one "topic:partition:offset" line per partition
topic_end_offsets() {
  if [[ -n $KAFKA_TOOLS_CP ]]; then
    java -cp "$KAFKA_TOOLS_CP" org.apache.kafka.tools.GetOffsetShell \
      --bootstrap-server "$KAFKA_BOOTSTRAP" --topic "$KAFKA_TOPIC" 2>/dev/null
  else
    docker compose --project-directory "$LAB_DIR" exec -T kafka /opt/kafka/bin/kafka-get-offsets.sh \
      --bootstrap-server localhost:9092 --topic "$KAFKA_TOPIC" 2>/dev/null
  fi
}
