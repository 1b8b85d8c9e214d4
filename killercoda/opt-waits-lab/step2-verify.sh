#!/usr/bin/env bash
# Step 2: the Camel CLI is installed, at the version the pipeline is built and tested with.
. "${LAB_LIB:-/root/lab/lab-lib.sh}"
[[ -x $CAMEL_CMD ]] || fail "no camel command (looked for $CAMEL_CMD)"
version=$("$CAMEL_CMD" version 2>/dev/null) || fail "'camel version' failed"
grep -q 'version: 4\.17\.' <<<"$version" || fail "Camel 4.17 expected, found: $version"
echo "$version"
