/** The SLURM client commands as ablate calls them, and what their answers mean. */
import { execa } from 'execa';

/** States a job ends in without success (as SLURM names them). */
export const SLURM_FAILURE_STATES = new Set(['BOOT_FAIL', 'CANCELLED', 'DEADLINE', 'FAILED', 'NODE_FAIL', 'OUT_OF_MEMORY', 'TIMEOUT', 'PREEMPTED', 'REVOKED']);
/** States of a job that is still queued or running: such a stage is never submitted again. */
export const SLURM_ACTIVE_STATES = new Set(['PENDING', 'RUNNING', 'CONFIGURING', 'COMPLETING', 'REQUEUED', 'REQUEUE_FED', 'REQUEUE_HOLD', 'RESIZING', 'SUSPENDED', 'SIGNALING', 'STAGE_OUT', 'STOPPED', 'RESV_DEL_HOLD']);

/** Runs a SLURM command (argument array); injectable so tests can stand in for a cluster. */
export type SlurmCli = (cmd: 'sbatch' | 'squeue' | 'scontrol' | 'scancel', args: string[]) => Promise<{ stdout: string; stderr: string; exitCode: number }>;

/** Exit code the CLI runner reports when the SLURM command itself is not installed. */
export const SLURM_MISSING = 127;

export const defaultSlurmCli: SlurmCli = async (cmd, args) => {
  const r = await execa(cmd, args, { reject: false, stdin: 'ignore', timeout: 120_000 });
  if (r.failed && r.exitCode === undefined && /ENOENT/.test(String(r.message))) return { stdout: '', stderr: `${cmd}: command not found`, exitCode: SLURM_MISSING };
  return { stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), exitCode: r.exitCode ?? (r.failed ? 1 : 0) };
};

export class SlurmUnavailableError extends Error {
  constructor(cmd: string) {
    super(`${cmd} is not installed or not on PATH: the SLURM executor needs the SLURM client commands (sbatch, squeue, scontrol, scancel) on this machine`);
    this.name = 'SlurmUnavailableError';
  }
}

/**
 * squeue or scontrol answered with an error (slurmctld down, a socket timeout). The job states are then
 * unknown: treating the jobs as gone would resubmit every queued stage, so callers must not guess.
 */
export class SlurmQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SlurmQueryError';
  }
}
