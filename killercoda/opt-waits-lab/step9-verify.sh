#!/usr/bin/env bash
# Step 9: the map page is served, and its data route answers agencies placed on the map.
. "${LAB_LIB:-/root/lab/lab-lib.sh}"
MAP_URL=${MAP_URL:-http://localhost:8080}
page=$(curl -fsS --max-time 10 "$MAP_URL/") || fail "no map page at $MAP_URL/ (are the routes running?)"
[[ $page == *'id="map"'* ]] || fail "$MAP_URL/ is not the map page"
agencies=$(curl -fsS --max-time 15 "$MAP_URL/map/agencies") || fail "no answer from $MAP_URL/map/agencies"
placed=$(json 'len([a for a in d["agencies"] if "position" in a])' <<<"$agencies")
((placed > 0)) || fail "no agency with a position in $MAP_URL/map/agencies yet"
echo "the map shows $placed agencies"
