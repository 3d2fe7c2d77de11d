/**
 * A real one-node Slurm for tests (shared/TOOLCHAIN.md's recipe): munged (started if not already
 * answering), slurmctld and slurmd in the foreground as detached children, every path and both
 * ports private to one temp directory, nothing written to /etc. Needs root and Debian's slurm-wlm
 * and munge (.ci/slurm.sh installs them).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, hostname } from 'node:os';
import { join } from 'node:path';

export interface Cluster {
  conf: string;
  env: NodeJS.ProcessEnv;
  stop(): void;
}

function run(cmd: string, args: string[], env?: NodeJS.ProcessEnv) {
  return spawnSync(cmd, args, { encoding: 'utf8', env: env ?? process.env });
}

/** Starts munged unless it already answers; returns a stop function for what it started. */
function ensureMunge(): () => void {
  const ok = () => spawnSync('sh', ['-c', 'munge -n | unmunge'], { stdio: 'ignore' }).status === 0;
  if (ok()) return () => {};
  mkdirSync('/run/munge', { recursive: true });
  run('chown', ['munge:munge', '/run/munge']);
  const started = run('runuser', ['-u', 'munge', '--', '/usr/sbin/munged']);
  if (started.status !== 0 || !ok()) throw new Error(`munged did not start: ${started.stderr}`);
  return () => {
    try {
      process.kill(Number(readFileSync('/run/munge/munged.pid', 'utf8').trim()));
    } catch {
      // already gone
    }
  };
}

export async function startCluster(dir: string): Promise<Cluster> {
  if (process.getuid?.() !== 0) throw new Error('the Slurm test starts munged and slurmd, which needs root');
  for (const tool of ['slurmctld', 'slurmd', 'sbatch', 'munged'])
    if (run('sh', ['-c', `command -v ${tool}`]).status !== 0) throw new Error(`${tool} is missing: run .ci/slurm.sh (apt-get install slurm-wlm munge)`);
  const stopMunge = ensureMunge();
  const host = hostname().split('.')[0];
  const state = join(dir, 'state');
  const spool = join(dir, 'spool');
  mkdirSync(state, { recursive: true });
  mkdirSync(spool, { recursive: true });
  // Private ports, so a second cluster (another checkout's test) does not collide with this one.
  const port = 20000 + (process.pid % 20000);
  const conf = join(dir, 'slurm.conf');
  writeFileSync(conf, [
    `ClusterName=flatmin-test`, `SlurmctldHost=${host}`, `SlurmctldPort=${port}`, `SlurmdPort=${port + 1}`,
    `SlurmUser=root`, `SlurmdUser=root`, `AuthType=auth/munge`, `ProctrackType=proctrack/linuxproc`, `TaskPlugin=task/none`,
    `SelectType=select/cons_tres`, `SelectTypeParameters=CR_Core`, `ReturnToService=2`, `MailProg=/bin/true`,
    `SchedulerParameters=sched_min_interval=0,batch_sched_delay=0`,
    `AccountingStorageType=accounting_storage/none`, `JobCompType=jobcomp/none`, `JobAcctGatherType=jobacct_gather/none`,
    `StateSaveLocation=${state}`, `SlurmdSpoolDir=${spool}`,
    `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`, `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
    `SlurmctldLogFile=${join(dir, 'slurmctld.log')}`, `SlurmdLogFile=${join(dir, 'slurmd.log')}`,
    `NodeName=${host} CPUs=${availableParallelism()} RealMemory=1000 State=UNKNOWN`,
    `PartitionName=test Nodes=${host} Default=YES MaxTime=INFINITE State=UP`,
  ].join('\n') + '\n');
  const env = { ...process.env, SLURM_CONF: conf };
  const daemons: ChildProcess[] = [];
  const daemon = (cmd: string) => {
    const log = openSync(join(dir, `${cmd}.out`), 'a');
    const p = spawn(`/usr/sbin/${cmd}`, ['-D', '-f', conf], { env, detached: true, stdio: ['ignore', log, log] });
    p.unref();
    daemons.push(p);
  };
  const stop = () => {
    for (const p of daemons) {
      try {
        process.kill(p.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    stopMunge();
  };
  try {
    daemon('slurmctld');
    daemon('slurmd');
    const t0 = Date.now();
    for (;;) {
      const s = run('sinfo', ['-h', '-o', '%T'], env);
      if (s.stdout.trim() === 'idle') break;
      if (Date.now() - t0 > 30_000) throw new Error(`Slurm did not come up: sinfo said ${JSON.stringify(s.stdout + s.stderr)}; see ${dir}/*.log`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (e) {
    stop();
    throw e;
  }
  return { conf, env, stop };
}
