#!/bin/sh
# slurm-array.sh: a womsim batch as a SLURM job array, one shard per array
# task. Array task i of N runs `womsim run SCENARIO -o DIR [OPTIONS]`, and
# womsim takes its shard from the array (SLURM_ARRAY_TASK_ID less
# SLURM_ARRAY_TASK_MIN, of SLURM_ARRAY_TASK_COUNT): the tasks with
# run_id % N == i, kept as task files in DIR. Once every array task is
# done, `womsim merge DIR` writes the outputs, byte for byte those of a
# single `womsim run`. Submit both at once, the merge waiting on the array:
#
#   womsim check study.ini     # points; tasks = points x replications >= shards
#   job=$(sbatch --parsable scripts/slurm-array.sh study.ini "$PWD/out/study")
#   sbatch --dependency=afterok:"$job" --wrap "womsim merge $PWD/out/study"
#
# - DIR must be on a filesystem every node sees; an absolute path is
#   clearest. Jobs start in the folder sbatch was called from.
# - The number of shards is the array's size: change --array below, or
#   override it (`sbatch --array=0-63 scripts/slurm-array.sh ...`). Keep it
#   contiguous (no :step) and no larger than the batch's tasks; a %limit
#   (--array=0-63%8) is fine.
# - OPTIONS are womsim run's (--set, --sweep, -r, -s, --max-mem ...) and
#   must be the same for every array task, as they are here. Threads: one
#   per CPU of the array task (--cpus-per-task), unless -t says otherwise.
# - The program is $WOMSIM, else `womsim` on the PATH (make install).
# - A failed array task leaves its shard unfinished, and afterok never
#   starts the merge (scancel it). Run that shard again with an explicit
#   --shard, which wins over the array (a one-task array would run the
#   whole batch as shard 0/1): `sbatch --array=5 scripts/slurm-array.sh
#   study.ini DIR --shard 5/16`, then `womsim merge DIR` (it names any
#   shard missing).
#
# SPDX-License-Identifier: GPL-3.0-or-later
#SBATCH --job-name=womsim
#SBATCH --array=0-15
#SBATCH --cpus-per-task=8
#SBATCH --mem-per-cpu=2G
#SBATCH --time=04:00:00
#SBATCH --output=womsim-%A_%a.out
set -eu

if [ $# -lt 2 ]; then
    echo "usage: sbatch [--array=0-N-1] scripts/slurm-array.sh SCENARIO DIR [womsim run options]" >&2
    exit 64
fi
if [ -z "${SLURM_ARRAY_TASK_ID:-}" ] || [ -z "${SLURM_ARRAY_TASK_COUNT:-}" ]; then
    echo "slurm-array.sh: not an array task (no SLURM_ARRAY_TASK_ID and _COUNT);" \
        "submit it with sbatch, or run 'womsim run' itself" >&2
    exit 64
fi
scenario=$1
dir=$2
shift 2
export OMP_NUM_THREADS="${SLURM_CPUS_PER_TASK:-${OMP_NUM_THREADS:-1}}"
exec "${WOMSIM:-womsim}" run "$scenario" -o "$dir" "$@"
