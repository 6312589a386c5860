#!/usr/bin/env bash
# Every user-visible string of the console and the command line has a translation in every
# shipped .ts file: lupdate is run over the sources into copies of the .ts files, and the copies
# must have no unfinished (untranslated or new) entry.
# Usage: check-translations.sh LUPDATE TS_FILE... -- SOURCE...
set -euo pipefail
lupdate=$1
shift
ts=()
while [ "$1" != "--" ]; do
    ts+=("$1")
    shift
done
shift
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for file in "${ts[@]}"; do
    copy="$work/$(basename "$file")"
    cp "$file" "$copy"
    "$lupdate" -silent -no-obsolete -locations none "$@" -ts "$copy"
    unfinished=$(grep -c 'type="unfinished"' "$copy" || true)
    if [ "$unfinished" -ne 0 ]; then
        echo "$(basename "$file"): $unfinished unfinished entries:"
        grep -B3 'type="unfinished"' "$copy" | grep '<source>' | sed 's/^ */  /' | head -20
        status=1
    else
        echo "$(basename "$file"): complete ($(grep -c '<message' "$copy") messages)"
    fi
done
exit $status
