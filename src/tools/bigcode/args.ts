/**
 * The bigcode-evaluation-harness command line: its arguments (read from main.py's argparse and
 * bigcode_eval/arguments.py at BIGCODE_HARNESS_COMMIT) and the exact `accelerate launch main.py`
 * argument array ablate runs per task.
 */
import path from 'node:path';
import { SCRATCH_PLACEHOLDER } from '../../util/scratch.js';
import type { StageCommand } from '../../plan/types.js';
import type { EvalInvocation, EvalTaskIssue } from '../evalCommon.js';
import { ablateDefaults, evalArgSpecs } from '../evalArgs.js';

/** How an argument is spelled on the command line. */
type ArgKind =
  | 'value' // --name VALUE
  | 'int'
  | 'float'
  | 'bool' // --name True|False (HfArgumentParser bool field)
  | 'flag' // store_true: present when true
  | 'negated-flag'; // store_false: present when false (only --postprocess)

/** Every argument the harness's parser accepts, as schemas/eval-args.schema.json lists them. */
const BIGCODE_SPECS = evalArgSpecs('bigcode');
export const BIGCODE_ARGS: Readonly<Record<string, ArgKind>> = Object.fromEntries(
  Object.entries(BIGCODE_SPECS).map(([name, spec]) => [name, spec['x-ablate-cli'] ?? 'value']),
);

/** Arguments ablate sets itself: a spec may not override them (the stage's outputs depend on them). */
const MANAGED_ARGS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(BIGCODE_SPECS).flatMap(([name, spec]) => (spec['x-ablate-managed'] !== undefined ? [[name, spec['x-ablate-managed']]] : [])),
);

const PRECISIONS = ['fp32', 'fp16', 'bf16'];

/** File names inside the eval stage folder. */
export const BIGCODE_FILES = {
  metrics: 'evaluation_results.json',
  /** Given as --save_generations_path; the harness writes `generations_<task>.json` next to it. */
  generationsStem: 'generations.json',
  perProblem: 'per_problem.json',
} as const;

/** `<stem>_<task>.json`, the name main.py derives from --save_generations_path (os.path.splitext). */
export function bigcodeGenerationsPath(outDir: string, task: string): string {
  const stem = BIGCODE_FILES.generationsStem.replace(/\.[^.]*$/, '');
  return path.join(outDir, `${stem}_${task}.json`);
}

/** Checks `eval.args` against the harness's parser. */
export function checkBigcodeArgs(task: string, args: Record<string, unknown>): EvalTaskIssue[] {
  const issues: EvalTaskIssue[] = [];
  for (const [name, value] of Object.entries(args)) {
    const kind = BIGCODE_ARGS[name];
    if (kind === undefined) {
      issues.push({ task, message: `eval.args.${name} is not an argument of the bigcode harness`, suggestion: `use one of: ${Object.keys(BIGCODE_ARGS).filter((a) => !(a in MANAGED_ARGS)).join(', ')}` });
      continue;
    }
    const managed = MANAGED_ARGS[name];
    if (managed !== undefined) {
      issues.push({ task, message: `eval.args.${name} is set by ablate`, suggestion: managed });
      continue;
    }
    const typeError = checkArgType(kind, value);
    if (typeError) issues.push({ task, message: `eval.args.${name}: ${typeError}` });
  }
  if (args.precision !== undefined && !PRECISIONS.includes(String(args.precision))) {
    issues.push({ task, message: `eval.args.precision must be one of ${PRECISIONS.join(', ')}` });
  }
  const nSamples = typeof args.n_samples === 'number' ? args.n_samples : 1;
  const batchSize = typeof args.batch_size === 'number' ? args.batch_size : 1;
  if (batchSize > nSamples) {
    issues.push({ task, message: `eval.args.batch_size (${batchSize}) is larger than n_samples (${nSamples}); the harness requires batch_size <= n_samples` });
  }
  if (nSamples > 1 && args.do_sample !== true) {
    issues.push({ task, message: `eval.args.n_samples is ${nSamples} with greedy decoding: every sample would be the same`, suggestion: 'set eval.args.do_sample: true (and a temperature) or n_samples: 1' });
  }
  return issues;
}

function checkArgType(kind: ArgKind, value: unknown): string | undefined {
  switch (kind) {
    case 'int':
      return Number.isInteger(value) ? undefined : `expected an integer, got ${JSON.stringify(value)}`;
    case 'float':
      return typeof value === 'number' ? undefined : `expected a number, got ${JSON.stringify(value)}`;
    case 'bool':
    case 'flag':
    case 'negated-flag':
      return typeof value === 'boolean' ? undefined : `expected true or false, got ${JSON.stringify(value)}`;
    case 'value':
      return typeof value === 'string' || typeof value === 'number' ? undefined : `expected a string, got ${JSON.stringify(value)}`;
  }
}

/** The effective harness arguments: ablate's greedy defaults, then the spec's `eval.args`. */
export function bigcodeEffectiveArgs(inv: Pick<EvalInvocation, 'args' | 'gpus' | 'limit'>): Record<string, unknown> {
  return {
    ...ablateDefaults('bigcode'),
    // bf16 halves memory on GPUs; CPUs run fp32 (bf16 matmuls are slow or unsupported there).
    precision: inv.gpus > 0 ? 'bf16' : 'fp32',
    ...inv.args,
    ...(inv.limit !== undefined ? { limit: inv.limit } : {}),
  };
}

function renderArg(name: string, value: unknown): string[] {
  const kind = BIGCODE_ARGS[name] ?? 'value';
  switch (kind) {
    case 'flag':
      return value === true ? [`--${name}`] : [];
    case 'negated-flag':
      return value === false ? [`--${name}`] : [];
    case 'bool':
      return [`--${name}`, value ? 'True' : 'False'];
    default:
      return [`--${name}`, String(value)];
  }
}

/** Arguments after main.py, in a fixed order: ablate's own, then the effective args sorted by name. */
export function bigcodeArgs(inv: EvalInvocation): string[] {
  const model = inv.model.merged ?? inv.model.base;
  const argv = ['--model', model];
  const adapter = !inv.model.merged ? inv.model.adapter : undefined;
  if (adapter) argv.push('--peft_model', adapter);
  // The adapter goes onto the base weights at the revision it was trained on (train.revision).
  if (adapter && inv.model.revision && inv.args.revision === undefined) argv.push('--revision', inv.model.revision);
  argv.push(
    '--tasks', inv.task,
    '--allow_code_execution',
    '--save_generations',
    '--save_generations_path', path.join(inv.outDir, BIGCODE_FILES.generationsStem),
    '--metric_output_path', path.join(inv.outDir, BIGCODE_FILES.metrics),
  );
  const effective = bigcodeEffectiveArgs(inv);
  for (const name of Object.keys(effective).sort()) argv.push(...renderArg(name, effective[name]));
  return argv;
}

/** `accelerate` next to the harness's Python (its virtual environment's bin/). */
export function accelerateBin(python: string): string {
  return path.join(path.dirname(python), 'accelerate');
}

/** accelerate's own launch options: one process per GPU, data-parallel; CPU when there is none. */
export function accelerateLaunchArgs(gpus: number): string[] {
  const processes = Math.max(1, gpus);
  return [
    'launch',
    '--num_processes', String(processes),
    '--num_machines', '1',
    '--mixed_precision', 'no',
    '--dynamo_backend', 'no',
    ...(gpus === 0 ? ['--cpu'] : gpus > 1 ? ['--multi_gpu'] : []),
  ];
}

/** The two steps of a bigcode evaluation: the harness run, then per-problem scoring of its generations. */
export function bigcodeSteps(inv: EvalInvocation): StageCommand[] {
  if (!inv.harness) throw new Error('bigcode evaluation needs the harness folder');
  const env = {
    // The harness globs *.results.json in the temp folder (MultiPL-E): one private TMPDIR per
    // evaluation. Short and outside the results tree: multiprocessing puts its socket there.
    TMPDIR: inv.tmpDir ?? SCRATCH_PLACEHOLDER,
    HF_ALLOW_CODE_EVAL: '1',
    TOKENIZERS_PARALLELISM: 'false',
    PYTHONUNBUFFERED: '1',
  };
  const launch: StageCommand = {
    argv: [accelerateBin(inv.python), ...accelerateLaunchArgs(inv.gpus), path.join(inv.harness, 'main.py'), ...bigcodeArgs(inv)],
    env,
    cwd: inv.outDir,
  };
  const effective = bigcodeEffectiveArgs(inv);
  const score: StageCommand = {
    argv: [
      inv.python,
      path.join(inv.runnersDir, 'score_generations.py'),
      '--harness', inv.harness,
      '--task', inv.task,
      '--generations', bigcodeGenerationsPath(inv.outDir, inv.task),
      '--out', path.join(inv.outDir, BIGCODE_FILES.perProblem),
      ...(effective.limit_start !== undefined ? ['--limit_start', String(effective.limit_start)] : []),
      ...(effective.prompt !== undefined ? ['--prompt', String(effective.prompt)] : []),
      ...(effective.load_data_path !== undefined ? ['--load_data_path', String(effective.load_data_path)] : []),
    ],
    env,
    cwd: inv.outDir,
  };
  return [launch, score];
}
