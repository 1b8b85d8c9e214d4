#!/usr/bin/env bash
# Step 1: Kafka, OpenSearch and the simulator answer on their ports.
. "${LAB_LIB:-/root/lab/lab-lib.sh}"
host=${KAFKA_BOOTSTRAP%%,*}
(: <>"/dev/tcp/${host%:*}/${host##*:}") 2>/dev/null || fail "Kafka does not answer on $host"
health=$(lab_curl "$OPENSEARCH_URL/_cluster/health") || fail "OpenSearch does not answer on $OPENSEARCH_URL"
[[ $(json 'd["status"]' <<<"$health") =~ ^(green|yellow)$ ]] || fail "OpenSearch is not ready: $health"
communes=$(curl -fsS --max-time 10 "$SIM_URL/communes") || fail "the simulator does not answer on $SIM_URL"
[[ $(json 'len(d)' <<<"$communes") -gt 0 ]] || fail "the simulator knows no commune"
echo "Kafka, OpenSearch and the simulator are up"
