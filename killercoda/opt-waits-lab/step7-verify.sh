#!/usr/bin/env bash
# Step 7: the dashboard is imported into OpenSearch Dashboards (global tenant).
. "${LAB_LIB:-/root/lab/lab-lib.sh}"
dashboard=$(lab_curl -H 'securitytenant: global' "$DASHBOARDS_URL/api/saved_objects/dashboard/opt-waits-overview") ||
  fail "no dashboard opt-waits-overview in Dashboards at $DASHBOARDS_URL (run dashboards/setup.sh)"
[[ $(json 'd["attributes"]["title"]' <<<"$dashboard") == "OPT-NC post office wait times" ]] || fail "unexpected answer: $dashboard"
echo "the dashboard is there"
