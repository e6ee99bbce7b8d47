#!/bin/sh
# scenario-pictures.sh: runs every scenario in configs/ and copies one plot
# of each to docs/img/<scenario>.png, the pictures of docs/scenarios.md.
# The plot is the sweep's (sweep.png) when the scenario sweeps a key, else
# its timeseries.png; a few scenarios name a more telling one below. Run
# from the repository root after `make`; the scenarios' own settings make
# the pictures (about a minute in all on 2 cores), and any further
# arguments go to every `womsim run` (say `-r 2 --set simulation.steps=30`
# for a quick look: then also give another folder with -o).
#
#   scripts/scenario-pictures.sh [-o DIR] [womsim run options...]
#
# Prints each scenario's wall time. WOMSIM overrides the program
# (default build/womsim).
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

WOMSIM=${WOMSIM:-build/womsim}
dest=docs/img
if [ "${1:-}" = "-o" ]; then
    [ $# -ge 2 ] || { echo "scenario-pictures.sh: -o needs a folder" >&2; exit 64; }
    dest=$2
    shift 2
fi
[ -d configs ] || { echo "scenario-pictures.sh: no configs/ here: run it from the repository root" >&2; exit 66; }
[ -x "$WOMSIM" ] || { echo "scenario-pictures.sh: $WOMSIM not found: run make first" >&2; exit 66; }
command -v gnuplot >/dev/null 2>&1 ||
    { echo "scenario-pictures.sh: gnuplot not found: run scripts/install-deps.sh" >&2; exit 69; }

# chosen_plot NAME: the plot that tells a scenario's story, relative to its
# output folder; empty for the default.
chosen_plot() {
    case $1 in
    poor-service) echo points/2/timeseries.png ;; # quality 0.6, over the year
    *) echo "" ;;
    esac
}

work=$(mktemp -d "${TMPDIR:-/tmp}/womsim-pictures.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$dest"

for scenario in configs/*.ini; do
    name=$(basename "$scenario" .ini)
    start=$(date +%s.%N)
    "$WOMSIM" run "$scenario" -o "$work/$name" -q "$@"
    seconds=$(echo "$start $(date +%s.%N)" | awk '{ printf "%.1f", $2 - $1 }')
    plot=$(chosen_plot "$name")
    if [ -z "$plot" ]; then
        plot=timeseries.png
        [ -e "$work/$name/sweep.png" ] && plot=sweep.png
    fi
    [ -s "$work/$name/$plot" ] ||
        { echo "scenario-pictures.sh: $name: no $plot was drawn" >&2; exit 70; }
    cp "$work/$name/$plot" "$dest/$name.png"
    printf '%-24s %5s s  %s\n' "$name" "$seconds" "$dest/$name.png ($plot)"
    rm -rf "${work:?}/$name"
done
