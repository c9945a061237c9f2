#!/usr/bin/env bash
# Submits a zonesim study as a Slurm job array of N shards and a merge job
# that runs once every shard has succeeded.
#
#   deploy/slurm/submit.sh study.toml 16 [parts-dir] [result.json]
#
# Prints the array's and the merge's job ids. Extra `zonesim run` flags
# (--trials, --seed, ...) go in ZONESIM_ARGS; ZONESIM names the binary;
# ZONESIM_CMD=plan shards `zonesim plan` instead (a file with a [plan] table).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
study=${1:?usage: submit.sh STUDY N [PARTS_DIR] [RESULT]}
n=${2:?usage: submit.sh STUDY N [PARTS_DIR] [RESULT]}
out=${3:-parts}
result=${4:-result.json}
export STUDY="$study" SHARDS="$n" OUT="$out" RESULT="$result"
array=$(sbatch --parsable --array="0-$((n - 1))" --export=ALL "$here/shards.sbatch")
array=${array%%;*}
merge=$(sbatch --parsable --dependency="afterok:$array" --export=ALL "$here/merge.sbatch")
echo "array $array merge ${merge%%;*}"
