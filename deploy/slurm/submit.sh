#!/usr/bin/env bash
# Submits the shards as a job array and the merge to run after all of
# them succeed.
set -euo pipefail
here="$(dirname "$0")"
array=$(sbatch --parsable "$here/settle-shards.sbatch")
sbatch --dependency="afterok:${array%%;*}" "$here/settle-merge.sbatch"
