/**
 * A stand-in cluster for unit tests that answers like the real client commands: sbatch (with --array,
 * --hold, --dependency), squeue's -O format (one line per array element), scontrol show/update/release,
 * scancel. Each job reports its batch script, as squeue does (an array element: the array's script).
 */
import type { SlurmCli } from '../../src/exec/slurm.js';

export interface FakeJob {
  state: string;
  reason: string;
  script: string;
  dependency?: string;
  restarts?: number;
}

export function fakeSlurm(first = 100) {
  let next = first;
  let down = 0;
  const calls: Array<[string, string[]]> = [];
  const jobs = new Map<string, FakeJob>();
  const failScripts = new Set<string>();
  const cli: SlurmCli = async (cmd, args) => {
    calls.push([cmd, args]);
    if (down > 0 && (cmd === 'squeue' || cmd === 'scontrol')) {
      down--;
      return { stdout: '', stderr: 'slurm_load_jobs error: Socket timed out on send/recv operation', exitCode: 1 };
    }
    if (cmd === 'sbatch') {
      const script = args.at(-1)!;
      if (failScripts.has(script)) return { stdout: '', stderr: 'sbatch: error: Batch job submission failed: Invalid partition name specified', exitCode: 1 };
      const id = String(next++);
      const array = /^--array=0-(\d+)/.exec(args.find((a) => a.startsWith('--array=')) ?? '');
      const held = args.includes('--hold');
      const dependency = args.find((a) => a.startsWith('--dependency='))?.slice('--dependency='.length);
      const job = (): FakeJob => ({ state: 'PENDING', reason: held ? 'JobHeldUser' : 'None', script, ...(dependency ? { dependency } : {}) });
      if (array) for (let i = 0; i <= Number(array[1]); i++) jobs.set(`${id}_${i}`, job());
      else jobs.set(id, job());
      return { stdout: `${id}\n`, stderr: '', exitCode: 0 };
    }
    if (cmd === 'squeue') {
      return { stdout: [...jobs].map(([id, j]) => `${id}|${j.state}|${j.reason}|${j.restarts ?? 0}|x/y/z|${j.script}`).join('\n'), stderr: '', exitCode: 0 };
    }
    if (cmd === 'scontrol' && args[0] === 'update') {
      const id = args.find((a) => a.startsWith('JobId='))!.slice(6);
      const j = jobs.get(id);
      if (!j) return { stdout: '', stderr: 'Invalid job id specified', exitCode: 1 };
      j.dependency = args.find((a) => a.startsWith('Dependency='))!.slice(11);
      return { stdout: '', stderr: '', exitCode: 0 };
    }
    if (cmd === 'scontrol' && args[0] === 'release') {
      for (const [id, j] of jobs) if (id === args[1] || id.startsWith(`${args[1]}_`)) j.reason = 'None';
      return { stdout: '', stderr: '', exitCode: 0 };
    }
    if (cmd === 'scontrol') return { stdout: '', stderr: 'slurm_load_jobs error: Invalid job id specified', exitCode: 1 };
    if (cmd === 'scancel') {
      for (const a of args) for (const [id, j] of jobs) if (id === a || id.startsWith(`${a}_`)) j.state = 'CANCELLED';
    }
    return { stdout: '', stderr: '', exitCode: 0 };
  };
  return {
    cli,
    calls,
    jobs,
    failScripts,
    /** The next n squeue/scontrol calls fail as with slurmctld unreachable. */
    goDown: (n: number) => void (down = n),
    /** sbatch invocations (a job array is one). */
    sbatches: () => calls.filter(([c]) => c === 'sbatch').length,
    /** Jobs the cluster holds (each array element counts). */
    jobCount: () => jobs.size,
  };
}
