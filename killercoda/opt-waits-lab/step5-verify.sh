#!/usr/bin/env bash
# Step 5: the readings topic holds messages.
. "${LAB_LIB:-/root/lab/lab-lib.sh}"
offsets=$(topic_end_offsets) || true
total=0
while IFS= read -r line; do
  [[ $line =~ :([0-9]+)$ ]] && total=$((total + BASH_REMATCH[1]))
done <<<"$offsets"
((total > 0)) || fail "no message in topic $KAFKA_TOPIC yet"
echo "topic $KAFKA_TOPIC: $total messages"
