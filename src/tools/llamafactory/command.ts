/**
 * The exact `llamafactory-cli` invocations (argument arrays + the variables they need). GPU
 * assignment (CUDA_VISIBLE_DEVICES) belongs to the executor and arrives through `baseEnv`.
 */
import path from 'node:path';
import type { StageCommand } from '../../plan/types.js';
import { envBinDir, envTool } from '../pyenv.js';

export interface TrainCommandOptions {
  /** The Python tool env (its bin/ holds llamafactory-cli and torchrun). */
  envPath: string;
  /** Working directory of the process: the train stage folder. */
  cwd: string;
  /** train.deepspeed is set: DeepSpeed needs the torchrun launch even on one GPU. */
  deepspeed?: boolean;
  /** Multi-node launch supplied by the executor (SLURM): NNODES, NODE_RANK, MASTER_ADDR, MASTER_PORT. */
  nodes?: { nnodes: number; nodeRank: number; masterAddr: string; masterPort?: number };
  /** Parent PATH to extend (the torchrun re-launch finds `torchrun` on PATH). */
  parentPath?: string;
  /** The model is a local folder: set HF_HUB_OFFLINE so nothing waits on the hub. Hub ids keep the user's setting. */
  offline?: boolean;
}

/** torchrun's default rendezvous port. */
export const DEFAULT_MASTER_PORT = 29500;

/** Variables every llamafactory-cli process gets. */
export function baseToolEnv(envPath: string, parentPath?: string, offline = false): Record<string, string> {
  return {
    // The env's bin first: LLaMA-Factory re-launches itself as `torchrun ...`, found on PATH.
    PATH: [envBinDir(envPath), parentPath].filter(Boolean).join(path.delimiter),
    // A local model needs no hub: offline mode keeps machines without internet from waiting on it.
    ...(offline ? { HF_HUB_OFFLINE: '1' } : {}),
    // The managed env is pinned as a whole; its soft version checks only add noise.
    DISABLE_VERSION_CHECK: '1',
    TOKENIZERS_PARALLELISM: 'false',
    PYTHONUNBUFFERED: '1',
  };
}

export function trainCommand(cfgPath: string, gpus: number, opts: TrainCommandOptions): StageCommand {
  const env = baseToolEnv(opts.envPath, opts.parentPath, opts.offline);
  const distributed = gpus > 1 || opts.deepspeed === true || (opts.nodes?.nnodes ?? 1) > 1;
  if (distributed) {
    env.FORCE_TORCHRUN = '1';
    env.NPROC_PER_NODE = String(Math.max(1, gpus));
  }
  if (opts.nodes && opts.nodes.nnodes > 1) {
    env.NNODES = String(opts.nodes.nnodes);
    env.NODE_RANK = String(opts.nodes.nodeRank);
    env.MASTER_ADDR = opts.nodes.masterAddr;
    // Every node must meet on the same port: left unset, launcher.py picks a free port per node and
    // the rendezvous never completes. torchrun's own default, unless the executor names one.
    env.MASTER_PORT = String(opts.nodes.masterPort ?? DEFAULT_MASTER_PORT);
  }
  return { argv: [envTool(opts.envPath, 'llamafactory-cli'), 'train', cfgPath], env, cwd: opts.cwd };
}

export function exportCommand(cfgPath: string, opts: { envPath: string; cwd: string; parentPath?: string; offline?: boolean }): StageCommand {
  // Merging runs on the CPU and needs no GPU: hide them so it never competes with training.
  return { argv: [envTool(opts.envPath, 'llamafactory-cli'), 'export', cfgPath], env: { ...baseToolEnv(opts.envPath, opts.parentPath, opts.offline), CUDA_VISIBLE_DEVICES: '' }, cwd: opts.cwd };
}

/** Paths with spaces break LLaMA-Factory's torchrun re-launch (it splits its command line on spaces). */
export function torchrunUnsafePath(p: string): boolean {
  return /\s/.test(p);
}

/** The variables llamafactory/launcher.py formats into its torchrun command line. */
const TORCHRUN_VARS = ['NNODES', 'NODE_RANK', 'NPROC_PER_NODE', 'MASTER_ADDR', 'MASTER_PORT'] as const;

/**
 * Why a train command cannot run, when it re-launches under torchrun (FORCE_TORCHRUN: several GPUs,
 * DeepSpeed, several nodes): launcher.py formats `torchrun ... <its own file> <args>` into one string
 * and splits it on spaces, so a space in the config path, the tool env (argv[0] lives there, and so
 * does launcher.py) or a rendezvous variable breaks the child's command line.
 */
export function torchrunProblem(command: StageCommand): string | undefined {
  if (command.env.FORCE_TORCHRUN !== '1') return undefined;
  const unsafe = [...command.argv, ...TORCHRUN_VARS.map((name) => command.env[name] ?? '')].filter(torchrunUnsafePath);
  if (unsafe.length === 0) return undefined;
  return (
    `multi-GPU, multi-node and DeepSpeed training cannot use paths with spaces: LLaMA-Factory re-launches itself under torchrun ` +
    `with a command line it splits on spaces. Offending: ${unsafe.map((u) => JSON.stringify(u)).join(', ')}. ` +
    'Move the results folder (and the tool env: ABLATE_CACHE or ABLATE_PYTHON_ENV) to a path without spaces'
  );
}
