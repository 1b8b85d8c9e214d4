#!/usr/bin/env bash
# Step 3: the routes run (Camel's health check answers UP).
. "${LAB_LIB:-/root/lab/lab-lib.sh}"
health=$(curl -fsS --max-time 10 "$HEALTH_URL") || fail "no answer from the routes' health check at $HEALTH_URL"
[[ $(json 'd["status"]' <<<"$health") == UP ]] || fail "the routes are not healthy: $health"
echo "the routes are running"
