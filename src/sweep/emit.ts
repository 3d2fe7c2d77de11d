/**
 * `flatmin sweep emit --slurm|--k8s SPEC`: a ready job for the cluster's own scheduler. Each array
 * task / indexed pod runs `flatmin sweep SPEC --out DIR` with FLATMIN_SHARD_COUNT set, and takes
 * its index from the scheduler's variable (src/sweep/shard.ts); all write into one shared DIR.
 * A failed or cancelled index is rerun alone and skips what it already finished.
 */

export interface EmitOptions {
  /** The spec file as the job will see it. */
  spec: string;
  /** Spec file name without directories and .json: the job name. */
  name: string;
  shards: number;
  /** Worker threads per task (= CPUs asked for). */
  workers: number;
  out: string;
  /** The spec's text (k8s: shipped in a ConfigMap). */
  specText: string;
  /** k8s: the container image and the flatmin version to run in it. */
  image: string;
  version: string;
}

/** Shell-quotes a word when it needs it. */
function sh(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function slurmScript(o: EmitOptions): string {
  return `#!/bin/bash
# flatmin sweep ${o.name}: ${o.shards} array tasks, each a round-robin share of the runs.
#   submit:  sbatch THIS_FILE          (from the directory holding ${o.spec})
#   rerun one task (failed or cancelled): sbatch --array=I THIS_FILE — it skips the runs it finished
#   then:    flatmin sweep merge ${sh(o.out)}
#SBATCH --job-name=flatmin-${o.name}
#SBATCH --array=0-${o.shards - 1}
#SBATCH --cpus-per-task=${o.workers}
#SBATCH --ntasks=1
set -euo pipefail
# The count is fixed here: a task resubmitted alone sees SLURM_ARRAY_TASK_COUNT=1.
export FLATMIN_SHARD_COUNT=${o.shards}
exec flatmin sweep ${sh(o.spec)} --out ${sh(o.out)} --workers "\${SLURM_CPUS_PER_TASK:-${o.workers}}"
`;
}

export function k8sManifest(o: EmitOptions): string {
  const name = `flatmin-${o.name.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`.slice(0, 52);
  const spec = o.specText.replace(/\n$/, '').split('\n').map((l) => `    ${l}`).join('\n');
  return `# flatmin sweep ${o.name}: an Indexed Job of ${o.shards} pods, each a round-robin share of the runs.
#   kubectl apply -f THIS_FILE; the results go to the volume "${name}-results" (a ReadWriteMany
#   PersistentVolumeClaim you provide), then: flatmin sweep merge <that volume>/${o.out}
# A failed pod is retried with the same index and skips the runs it finished.
apiVersion: v1
kind: ConfigMap
metadata:
  name: ${name}-spec
data:
  spec.json: |
${spec}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
spec:
  completionMode: Indexed
  completions: ${o.shards}
  parallelism: ${o.shards}
  backoffLimit: ${Math.max(6, 2 * o.shards)}
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: sweep
          image: ${o.image}
          command: ["npx", "--yes", "flatmin@${o.version}", "sweep", "/spec/spec.json", "--out", ${JSON.stringify(`/results/${o.out}`)}, "--workers", "${o.workers}"]
          env:
            - name: FLATMIN_SHARD_COUNT
              value: "${o.shards}"
          resources:
            requests:
              cpu: "${o.workers}"
          volumeMounts:
            - { name: spec, mountPath: /spec }
            - { name: results, mountPath: /results }
      volumes:
        - name: spec
          configMap: { name: ${name}-spec }
        - name: results
          persistentVolumeClaim: { claimName: ${name}-results }
`;
}
