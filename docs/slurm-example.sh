#!/bin/sh
# Kestrel's test suite on a Slurm cluster: a job array of N shards, then one merge job.
# See docs/harness.md, "Shards beyond one machine". From the repository, on a login node
# whose file system the compute nodes share:
#
#     sh docs/slurm-example.sh submit 4      # build once, submit 4 shards and the merge
#
# Each array task runs `make check SHARD=K/N` into its own results directory; the merge
# job runs after all of them (afterany: also when one failed or was cancelled) and refuses
# an incomplete set, naming the missing shard, so a lost task never reads as green.
# The merged results (summary.json, junit.xml, results.tap, ...) land in
# $RESULTS_BASE-merged; TESTS, EMU, SEEDS, ... in the environment reach every shard.
#SBATCH --job-name=kestrel
#SBATCH --cpus-per-task=2
#SBATCH --time=00:30:00
#SBATCH --output=build/slurm-%x-%A_%a.log
set -eu
RESULTS_BASE=${RESULTS_BASE:-build/results-shard}

case "${1:-}" in
submit)
    n=${2:-4}
    make -j2 all
    rm -rf "$RESULTS_BASE"-[0-9]* "$RESULTS_BASE-merged"
    job=$(sbatch --parsable --array="1-$n" "$0" shard)
    sbatch --dependency="afterany:$job" --job-name=kestrel-merge "$0" merge
    ;;
shard)
    # Slurm sets these in every task of the array.
    k=$SLURM_ARRAY_TASK_ID
    n=$SLURM_ARRAY_TASK_COUNT
    make check SHARD="$k/$n" RESULTS="$RESULTS_BASE-$k" JOBS="${SLURM_CPUS_PER_TASK:-1}"
    ;;
merge)
    # Exit status: 2 when a shard is missing or repeated, 1 when a test failed, else 0.
    python3 -m harness merge "$RESULTS_BASE"-[0-9]* --results "$RESULTS_BASE-merged"
    ;;
*)
    echo "usage: sh docs/slurm-example.sh submit [N]   (shard and merge are the jobs it submits)" >&2
    exit 2
    ;;
esac
