#!/bin/sh
# Measures how much Latin hypercube and Sobol' sampling narrow the error
# of the reference case's means, and whether the standard error settle
# reports is honest: for each sampler, the standard deviation over SEEDS
# seeds of each output's mean at TRIALS trials, and the root mean square
# of the standard errors the runs reported.
# Usage: docs/sampling-error.sh [TRIALS] [SEEDS]   (needs jq; settle on PATH or SETTLE=path)
set -eu
trials=${1:-10000}
seeds=${2:-20}
settle=${SETTLE:-settle}
for sampler in random lhs sobol; do
	for seed in $(seq 1 "$seeds"); do
		"$settle" run scenarios/one-step.yaml --sampler "$sampler" --seed "$seed" --trials "$trials" \
			--sensitivity=false --format json -q |
			jq -c --arg s "$sampler" '{sampler: $s, means: (.outputs | map_values(.mean)), ses: (.outputs | map_values(.se))}'
	done
done | jq -rs '
	def sd: (add / length) as $m | (map((. - $m) * (. - $m)) | add) / (length - 1) | sqrt;
	def rms: (map(. * .) | add / length) | sqrt;
	def ratio(a; b): if b <= 1e-12 * a then "exact" else (a / b * 10 | round / 10 | tostring) + "×" end;
	def money: if . >= 1e6 then "£\(. / 1e5 | round / 10)m" elif . >= 1e3 then "£\(. / 100 | round / 10)k" elif . >= 1 then "£\(. | round)" else "\(. * 1e4 | round / 100)%" end;
	. as $runs
	| ["random", "lhs", "sobol"] as $samplers
	| ($runs[0].means | keys_unsorted) as $outs
	| "| output | random | lhs | sobol | lhs narrows by | sobol narrows by |",
	  "|---|---:|---:|---:|---:|---:|",
	  ($outs[] as $o
	   | ($samplers | map(. as $s | [$runs[] | select(.sampler == $s) | .means[$o]] | sd)) as $sd
	   | "| \($o) | \($sd[0] | money) | \($sd[1] | money) | \($sd[2] | money) | \(ratio($sd[0]; $sd[1])) | \(ratio($sd[0]; $sd[2])) |"),
	  "",
	  "| output | random: sd of the means | reported se | lhs: sd | reported se | sobol: sd | reported se |",
	  "|---|---:|---:|---:|---:|---:|---:|",
	  ($outs[] as $o
	   | ($samplers | map(. as $s | [$runs[] | select(.sampler == $s) | .means[$o]] | sd)) as $sd
	   | ($samplers | map(. as $s | [$runs[] | select(.sampler == $s) | .ses[$o]] | rms)) as $se
	   | "| \($o) | \($sd[0] | money) | \($se[0] | money) | \($sd[1] | money) | \($se[1] | money) | \($sd[2] | money) | \($se[2] | money) |")'
