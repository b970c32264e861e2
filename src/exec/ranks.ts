/**
 * Multi-node stages under SLURM: every node runs `ablate stage-exec` (srun, one task per node). Rank 0
 * holds the stage's lock and writes the completion record, only once every other rank reported success
 * for this very attempt; the other ranks only run the tool. The torchrun rendezvous comes from SLURM:
 * the first host of the job's node list as master, a port derived from the job id.
 */
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AblateError } from '../errors.js';
import type { Stage } from '../plan/types.js';
import { writeFileAtomic } from './fsutil.js';
import { slurmJobIdOf } from './lock.js';
import { defaultSlurmCli, type SlurmCli } from './slurm/cli.js';

export interface Rendezvous {
  nnodes: number;
  rank: number;
  masterAddr: string;
  masterPort: number;
  /** This attempt of the job (`<job id>.<restart count>`): markers of an earlier, requeued attempt do not count. */
  attempt: string;
}

/** Ports 29500–39499, by job id: every rank computes the same one, and concurrent jobs rarely share it. */
export const portForJob = (jobId: string): number => 29500 + (Number.parseInt(jobId, 10) % 10000);

export const attemptOf = (env: NodeJS.ProcessEnv): string => `${slurmJobIdOf(env) ?? 'local'}.${env['SLURM_RESTART_COUNT'] ?? '0'}`;

/** The rendezvous of a multi-node stage from the job's environment; undefined for a one-node stage. */
export async function rendezvousFromSlurm(stage: Stage, env: NodeJS.ProcessEnv = process.env, cli: SlurmCli = defaultSlurmCli): Promise<Rendezvous | undefined> {
  const nnodes = stage.nodes ?? 1;
  if (nnodes <= 1) return undefined;
  const jobId = env['SLURM_JOB_ID'];
  const procId = env['SLURM_PROCID'];
  const nodeList = env['SLURM_JOB_NODELIST'];
  if (!jobId || procId === undefined || !nodeList) {
    throw new AblateError(`${stage.kind} ${stage.id} runs on ${nnodes} nodes: it must run inside its SLURM job, started on every node by srun (SLURM_JOB_ID, SLURM_PROCID and SLURM_JOB_NODELIST are not all set)`, 2);
  }
  const hosts = await cli('scontrol', ['show', 'hostnames', nodeList]);
  const first = hosts.stdout.split('\n').map((h) => h.trim()).find(Boolean);
  if (hosts.exitCode !== 0 || !first) throw new AblateError(`cannot expand the node list ${nodeList}: scontrol show hostnames: ${(hosts.stderr || hosts.stdout).trim()}`);
  // The address SLURM itself reaches the node at (NodeAddr; on most clusters the host name).
  const node = await cli('scontrol', ['show', 'node', first]);
  const masterAddr = /NodeAddr=(\S+)/.exec(node.stdout)?.[1] ?? first;
  return { nnodes, rank: Number(procId), masterAddr, masterPort: portForJob(jobId), attempt: attemptOf(env) };
}

/** The variables LLaMA-Factory's multi-node launch reads (NNODES, NODE_RANK, MASTER_ADDR, MASTER_PORT). */
export function rendezvousEnv(r: Rendezvous): Record<string, string> {
  return { NNODES: String(r.nnodes), NODE_RANK: String(r.rank), MASTER_ADDR: r.masterAddr, MASTER_PORT: String(r.masterPort) };
}

const launchMarker = (dir: string): string => path.join(dir, 'ablate-rank-0-launch.json');
const successMarker = (dir: string, rank: number): string => path.join(dir, `ablate-rank-${rank}.json`);

interface Marker {
  rank: number;
  attempt: string;
  host: string;
  at: string;
  /** Launch marker: whether rank 0 starts the tool (false when the work was already done). */
  launch?: boolean;
}

function readMarker(file: string): Marker | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Marker;
  } catch {
    return undefined;
  }
}

function mark(file: string, rank: number, attempt: string, launch?: boolean): void {
  writeFileAtomic(file, `${JSON.stringify({ rank, attempt, host: hostname(), at: new Date().toISOString(), ...(launch === undefined ? {} : { launch }) } satisfies Marker)}\n`);
}

async function awaitMarkers(files: string[], attempt: string, what: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const missing = files.filter((f) => readMarker(f)?.attempt !== attempt);
    if (missing.length === 0) return;
    if (Date.now() > deadline) throw new AblateError(`${what}: no word within ${Math.round(timeoutMs / 1000)} s (${missing.map((f) => path.basename(f)).join(', ')} missing for attempt ${attempt})`);
    await sleep(200, undefined, signal ? { signal } : undefined);
  }
}

/** Rank 0, once its folder is ready (old outputs cleared, resume decided): the other ranks may start. */
export function announceLaunch(dir: string, attempt: string, launch = true): void {
  mark(launchMarker(dir), 0, attempt, launch);
}

/**
 * Ranks > 0 start only after rank 0 prepared the folder, so they never race its clean-up. Resolves to
 * whether rank 0 launches the tool (they must join it) or found the work already done.
 */
export async function awaitLaunch(dir: string, attempt: string, signal?: AbortSignal, timeoutMs = 30 * 60_000): Promise<boolean> {
  await awaitMarkers([launchMarker(dir)], attempt, 'rank 0 did not start the tool', timeoutMs, signal);
  return readMarker(launchMarker(dir))?.launch !== false;
}

export function reportRankSuccess(dir: string, rank: number, attempt: string): void {
  mark(successMarker(dir, rank), rank, attempt);
}

/** Rank 0, before its completion record: every other rank of this attempt succeeded. */
export async function awaitRanks(dir: string, r: Rendezvous, signal?: AbortSignal, timeoutMs = 10 * 60_000): Promise<void> {
  const others = Array.from({ length: r.nnodes - 1 }, (_, i) => successMarker(dir, i + 1));
  await awaitMarkers(others, r.attempt, `not every rank of the ${r.nnodes}-node run reported success`, timeoutMs, signal);
}

export const rankSucceeded = (dir: string, rank: number, attempt: string): boolean => existsSync(successMarker(dir, rank)) && readMarker(successMarker(dir, rank))?.attempt === attempt;
