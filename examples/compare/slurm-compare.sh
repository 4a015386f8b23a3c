#!/bin/bash
# balms compare over a Slurm job array: task i runs shard i of 4 into a shared output folder.
# Submit from the project folder (on a file system every node sees): sbatch examples/compare/slurm-compare.sh
#SBATCH --job-name=balms-compare
#SBATCH --array=0-3
#SBATCH --cpus-per-task=4
#SBATCH --mem=8G
#SBATCH --time=04:00:00
#SBATCH --output=runs/compare-%A_%a.log
set -euo pipefail
cd "${SLURM_SUBMIT_DIR:-.}"
npx balms compare --preset default --seeds 3 --out runs/compare --quiet \
  --shard "${SLURM_ARRAY_TASK_ID}/${SLURM_ARRAY_TASK_COUNT}"
# Each task rewrites runs/compare/compare.json from the runs finished so far; the last one to end
# writes the complete one. To rebuild it after a failed task was rerun:
#   npx balms compare --preset default --seeds 3 --out runs/compare --merge
