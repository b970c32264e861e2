/** The batch scripts: one per stage (in its folder), and one per job array that dispatches to them. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AblateError, EXIT } from '../../errors.js';
import type { Plan, Stage } from '../../plan/types.js';
import type { SlurmSettings } from '../types.js';
import { jobNameOf } from './submissions.js';

/** The batch script of a stage, in its folder. */
export const SBATCH_SCRIPT = 'ablate-slurm.sh';
/** Seconds before the time limit at which SLURM sends USR1 to the job (then it checkpoints and requeues). */
export const SIGNAL_LEAD_S = 120;

/** POSIX shell single-quoting: the script runs exactly this argument array. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

const SBATCH_PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * One `#SBATCH` option as sbatch's own parser reads it: double-quoted (with \\ and \" escaped) unless
 * plain, so a space, `#` or quote in a value stays inside that option instead of starting another one or
 * a comment. A line break would end the comment line and put the rest into the script as shell: refused.
 */
export function sbatchDirective(option: string, field: string): string {
  if (/[\r\n\0]/.test(option)) {
    throw new AblateError(`${field}: ${JSON.stringify(option)} holds a line break; an sbatch option must be one line`, EXIT.usage);
  }
  return SBATCH_PLAIN.test(option) ? option : `"${option.replace(/[\\"]/g, '\\$&')}"`;
}

/** `gres: gpu:a100` (or `gpu:a100:8`) → the GPU type for per-stage requests; other gres verbatim. */
function gresFor(stage: Stage, gres: string | undefined): string | undefined {
  if (stage.gpus <= 0) return undefined;
  const g = gres?.trim();
  if (!g) return `gpu:${stage.gpus}`;
  const m = /^gpu(?::([A-Za-z][\w.-]*))?(?::\d+)?$/.exec(g);
  if (m) return m[1] ? `gpu:${m[1]}:${stage.gpus}` : `gpu:${stage.gpus}`;
  return g;
}

/** execute.slurm with the stage kind's `resources` over it (directives of both apply). */
export function stageSettings(stage: Stage, settings: SlurmSettings): SlurmSettings {
  const r = stage.resources;
  if (!r) return settings;
  const { directives, ...rest } = r;
  return { ...settings, ...rest, directives: [...(settings.directives ?? []), ...(directives ?? [])] };
}

/**
 * The `#SBATCH` options that decide where and how long a stage runs: equal lists mean one job array can
 * hold the stages. Job name, comment and output are not among them (they name the job, not its needs).
 */
export function resourceDirectives(stage: Stage, settings: SlurmSettings): string[] {
  const s = stageSettings(stage, settings);
  const d: string[] = [];
  const add = (field: string, option: string): void => void d.push(sbatchDirective(option, field));
  const fieldOf = (k: string): string => (stage.resources && k in stage.resources ? `${stage.kind}.resources.${k}` : `execute.slurm.${k}`);
  if (s.partition) add(fieldOf('partition'), `--partition=${s.partition}`);
  if (s.time) add(fieldOf('time'), `--time=${s.time}`);
  const nodes = stage.nodes ?? 1;
  if (nodes > 1) {
    // One task per node: each starts LLaMA-Factory, whose torchrun starts one process per GPU.
    add('train.nodes', `--nodes=${nodes}`);
    add('train.nodes', '--ntasks-per-node=1');
  }
  const gres = gresFor(stage, s.gres);
  if (gres) add(fieldOf('gres'), `--gres=${gres}`);
  if (s.cpus_per_task) add(fieldOf('cpus_per_task'), `--cpus-per-task=${s.cpus_per_task}`);
  if (s.mem) add(fieldOf('mem'), `--mem=${s.mem}`);
  if (s.account) add(fieldOf('account'), `--account=${s.account}`);
  if (s.qos) add(fieldOf('qos'), `--qos=${s.qos}`);
  if (s.requeue !== false) {
    // Preempted or near its time limit, the job gets USR1 (B: the batch shell, i.e. ablate itself),
    // checkpoints, and asks SLURM to requeue it; the next attempt resumes from the checkpoint.
    add('execute.slurm.requeue', '--requeue');
    add('execute.slurm.requeue', `--signal=B:USR1@${SIGNAL_LEAD_S}`);
  }
  for (const x of s.directives ?? []) add(fieldOf('directives'), x);
  return d;
}

/** The path of bin/ablate.js of this installation (dist/exec/slurm/script.js → bin/ablate.js). */
export function ablateBin(): string {
  return fileURLToPath(new URL('../../../bin/ablate.js', import.meta.url));
}

/** The command a job runs: this very ablate, executing exactly one stage in-process. */
export function defaultJobCommand(plan: Plan, stage: Stage, forced: boolean): string[] {
  return [process.execPath, ablateBin(), 'stage-exec', '--spec', plan.specFile, '--stage', stage.id, '--results', plan.resultsRoot, ...(forced ? ['--force'] : [])];
}

/**
 * Pure: the sbatch script of one stage. A multi-node stage starts its command once per node through
 * srun (exec'd, so the USR1 SLURM sends the batch shell reaches every rank); the ranks meet through
 * the rendezvous `stage-exec` derives from the job's node list.
 */
export function sbatchScript(plan: Plan, stage: Stage, settings: SlurmSettings, command: string[]): string {
  const d: string[] = [
    sbatchDirective(`--job-name=${jobNameOf(plan)}`, 'name'),
    sbatchDirective(`--comment=${[stage.kind, stage.id, ...stage.runs.slice(0, 1)].join('/')}`, 'stage'),
    sbatchDirective(`--output=${path.join(stage.dir, 'ablate-slurm-%j.out')}`, 'execute.results'),
    sbatchDirective(`--error=${path.join(stage.dir, 'ablate-slurm-%j.out')}`, 'execute.results'),
    ...resourceDirectives(stage, settings),
  ];
  const multiNode = (stage.nodes ?? 1) > 1;
  const launch = multiNode ? ['srun', '--kill-on-bad-exit=1', `--nodes=${stage.nodes}`, '--ntasks-per-node=1', ...command] : command;
  return [
    '#!/bin/bash',
    ...d.map((x) => `#SBATCH ${x}`),
    `# ablate ${stage.kind} stage ${stage.id} of experiment ${plan.experiment}; runs: ${stage.runs.join(' ')}`,
    'set -eo pipefail',
    ...(stageSettings(stage, settings).setup ?? []),
    `cd ${shellQuote(plan.specDir)}`,
    `exec ${launch.map(shellQuote).join(' ')}`,
    '',
  ].join('\n');
}

/** Where the scripts of job arrays live: `<results>/slurm/arrays/`. */
export function arrayScriptDir(plan: Pick<Plan, 'resultsRoot'>): string {
  return path.join(plan.resultsRoot, 'slurm', 'arrays');
}

/**
 * Pure: the script of a job array. Element i runs the batch script of the i-th stage (its `#SBATCH` lines
 * are comments there; the array's own carry the shared resources), writing its output into that stage's
 * folder as `ablate-slurm-<array>_<i>.out`, the name its job id `<array>_<i>` leads to.
 */
export function arrayScript(plan: Plan, stages: Stage[], settings: SlurmSettings): string {
  const first = stages[0]!;
  const d = [
    sbatchDirective(`--job-name=${jobNameOf(plan)}`, 'name'),
    sbatchDirective(`--comment=${first.kind}/array/${stages.length}`, 'stage'),
    sbatchDirective(`--output=${path.join(arrayScriptDir(plan), 'ablate-array-%A_%a.out')}`, 'execute.results'),
    ...resourceDirectives(first, settings),
  ];
  return [
    '#!/bin/bash',
    ...d.map((x) => `#SBATCH ${x}`),
    `# ablate: job array of ${stages.length} ${first.kind} stages of experiment ${plan.experiment}`,
    'set -eo pipefail',
    `SCRIPTS=(${stages.map((s) => shellQuote(path.join(s.dir, SBATCH_SCRIPT))).join(' ')})`,
    'script="${SCRIPTS[$SLURM_ARRAY_TASK_ID]}"',
    'exec >>"$(dirname "$script")/ablate-slurm-${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}.out" 2>&1',
    'exec bash "$script"',
    '',
  ].join('\n');
}
