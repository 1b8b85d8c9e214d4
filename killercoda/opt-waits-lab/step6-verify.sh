#!/usr/bin/env bash
# Step 6: the two queries of the step answer: latest wait per agency, agencies near a point.
. "${LAB_LIB:-/root/lab/lab-lib.sh}"
latest=$(os_search "$QUERIES_DIR/latest-per-agency.json") || fail "no index $OPENSEARCH_INDEX in OpenSearch yet"
agencies=$(json 'len(d["aggregations"]["agencies"]["buckets"])' <<<"$latest")
((agencies > 0)) || fail "no reading in $OPENSEARCH_INDEX yet"
near=$(os_search "$QUERIES_DIR/near-main-post-office.json") || fail "the geo query failed"
nearby=$(json 'len(d["hits"]["hits"])' <<<"$near")
((nearby > 0)) || fail "no agency with a recent reading within 2 km of the main post office"
echo "latest readings of $agencies agencies; $nearby agencies within 2 km of the main post office"
