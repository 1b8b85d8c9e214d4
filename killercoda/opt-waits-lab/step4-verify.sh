#!/usr/bin/env bash
# Step 4: the day's CSV file holds the header and readings.
. "${LAB_LIB:-/root/lab/lab-lib.sh}"
shopt -s nullglob
files=("$CSV_DIR"/waits-*.csv) # one per day, waits-yyyy-MM-dd.csv: the last is today's
((${#files[@]} > 0)) || fail "no waits-*.csv in $CSV_DIR yet"
csv=${files[-1]}
header=$(head -n 1 "$csv")
[[ $header == *,agencyId,* && $header == *,maxWaitMinutes,* && $header == *,waitBand,* ]] || fail "unexpected header in $csv: $header"
rows=$(($(wc -l <"$csv") - 1))
((rows > 0)) || fail "$csv has no reading yet"
echo "$csv: $rows readings"
