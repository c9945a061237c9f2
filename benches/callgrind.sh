#!/usr/bin/env bash
# Instructions per trial of the engine, by callgrind (repeatable whatever the
# machine's load): each study is run through the CLI at two trial counts on one
# thread and the difference is divided by the difference in trials, so parsing,
# compiling, summarising and printing cancel out.
#
# Usage: benches/callgrind.sh [BINARY]   (default target/release/zonesim)
# Studies: benches/ref-2of3.toml, benches/ref-4of7.toml, the eu-hubs default
# study without its importance-sampled estimate (dumped by `zonesim catalog`),
# and N-zone studies from benches/zones_study.py.
set -euo pipefail
bin=${1:-target/release/zonesim}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$bin" catalog --format toml | sed '/^estimator = "importance"/d' > "$dir/eu-hubs.toml"
cp benches/ref-2of3.toml benches/ref-4of7.toml "$dir/"
for n in 16 17 100 1000; do
  for r in majority all; do
    python3 benches/zones_study.py "$n" "$r" > "$dir/zones-$n-$r.toml"
  done
done
ir() { # file trials -> total instructions
  valgrind --tool=callgrind --callgrind-out-file="$dir/cg.out" \
    "$bin" run "$1" --trials "$2" --threads 1 --format json --output "$dir/out.json" \
    >/dev/null 2>&1
  awk '/^summary:/ {print $2}' "$dir/cg.out"
}
per_trial() { # name file n1 n2
  local a b
  a=$(ir "$2" "$3")
  b=$(ir "$2" "$4")
  printf '%-22s %12.0f instructions a trial\n' "$1" "$(echo "($b - $a) / ($4 - $3)" | bc -l)"
}
only=${ONLY:-}
run() { [[ -z $only || $1 == *$only* ]] && per_trial "$@" || true; }
run ref-2of3 "$dir/ref-2of3.toml" 20000 60000
run ref-4of7 "$dir/ref-4of7.toml" 10000 30000
run eu-hubs "$dir/eu-hubs.toml" 10000 30000
for n in 16 17 100; do
  for r in majority all; do
    run "zones-$n-$r" "$dir/zones-$n-$r.toml" 2048 6144
  done
done
for r in majority all; do
  run "zones-1000-$r" "$dir/zones-1000-$r.toml" 100 300
done
