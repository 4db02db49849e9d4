#!/usr/bin/env bash
# Runs a scenario as N shard processes at once on this machine, merges the
# parts in a shuffled order, and checks the result is byte for byte the
# unsharded run's: the whole flow the cluster examples run.
#
#   deploy/local/shards.sh SETTLE SCENARIO TRIALS N [EXTRA FLAGS...]
set -euo pipefail
settle=$1 scenario=$2 trials=$3 n=$4
shift 4
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
pids=()
for ((k = 0; k < n; k++)); do
	"$settle" run "$scenario" --trials "$trials" -q "$@" --shard "$k/$n" -o "$dir/part-$k.settle" &
	pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
"$settle" run "$scenario" --trials "$trials" -q "$@" -o "$dir/whole.json"
# shellcheck disable=SC2046
"$settle" merge $(ls "$dir"/part-*.settle | shuf) -q -o "$dir/merged.json"
cmp "$dir/whole.json" "$dir/merged.json"
echo "shards: $n shard processes of $trials trials merged to the unsharded run's bytes"
