#!/usr/bin/env bash
# Step 8: an agency is red (max wait over 10 minutes) in a reading of the last RED_WINDOW.
. "${LAB_LIB:-/root/lab/lab-lib.sh}"
RED_WINDOW=${RED_WINDOW:-5m}
red=$(os_search "{\"size\":0,\"query\":{\"bool\":{\"filter\":[{\"term\":{\"waitBand\":\"red\"}},
  {\"range\":{\"@timestamp\":{\"gte\":\"now-$RED_WINDOW\"}}}]}},
  \"aggs\":{\"agencies\":{\"terms\":{\"field\":\"designation\",\"size\":5}}}}") || fail "the search failed"
names=$(json '", ".join(b["key"] for b in d["aggregations"]["agencies"]["buckets"])' <<<"$red")
[[ -n $names ]] || fail "no red agency in the readings of the last $RED_WINDOW"
echo "red now: $names"
