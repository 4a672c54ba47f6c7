#!/bin/sh
# splice.sh PAGE KIND JMIXD - replace the generated section of a man page (between the
# BEGIN GENERATED and END GENERATED lines) with `JMIXD --print-params KIND`.
set -eu
page=$1 kind=$2 bin=$3
tmp=$(mktemp)
"$bin" --print-params "$kind" > "$tmp.table"
awk -v table="$tmp.table" '
	/^\.\\" BEGIN GENERATED/ { print; while ((getline line < table) > 0) print line; skip = 1; next }
	/^\.\\" END GENERATED/ { skip = 0 }
	!skip { print }
' "$page" > "$tmp"
mv "$tmp" "$page"
rm -f "$tmp.table"
