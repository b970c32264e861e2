/**
 * The eval stage: one evaluation (tool, task, trained model) per stage. Dispatches to the tool
 * adapters for task checks (validation), exact commands (plan) and running + parsing (run).
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { AblateError } from '../errors.js';
import { privateScratch } from '../util/scratch.js';
import { evalCloneDir } from '../plan/build.js';
import { runStageCommand } from '../exec/command.js';
import { readJsonIfExists, writeFileAtomic } from '../exec/fsutil.js';
import type { StageResult, StageRunContext, StageRunner } from '../exec/types.js';
import type { Plan, Stage, StageCommand } from '../plan/types.js';
import type { EvalResult } from './evalResult.js';
import type { RuleIssue, Rule } from '../spec/rules.js';
import { isLocalPath } from '../spec/rules.js';
import type { Eval, Train } from '../spec/types.generated.js';
import { evalAdapter, evalToolNames, findEvalAdapter, type EvalCheckOptions } from './evalAdapter.js';
import { isRecord, type EvalInvocation, type EvalModel, type EvalTaskIssue } from './evalCommon.js';
import { MERGED_SUBDIR, OUTPUT_SUBDIR, TRAIN_CONFIG_FILE } from './llamafactory/config.js';
import { modelPathFor } from './llamafactory/model.js';
import { MODEL_FILE, resolveTrainedModel } from './llamafactory/stage.js';
import { pythonBin, requireToolEnv, runnersDir, toolEnvPath } from './pyenv.js';

export type { EvalInvocation, EvalTaskIssue } from './evalCommon.js';
export type { EvalCheckOptions } from './evalAdapter.js';
export { harnessCommit, HARNESS_PLACEHOLDER } from './bigcode/adapter.js';
export { LCB_PLACEHOLDER } from './livecodebench/adapter.js';

/** The result every eval stage leaves in its folder. */
export const EVAL_RESULT_FILE = 'result.json';
/** The exact commands of the stage, written before they run (also in a dry run). */
export const EVAL_COMMANDS_FILE = 'eval-commands.json';

// ---------------------------------------------------------------------------------------------
// Validation

/** Problems with the tasks (and tool arguments) of an `eval` section, before anything runs. */
export function checkEvalTasks(tool: string, tasks: readonly string[], opts: EvalCheckOptions = {}): EvalTaskIssue[] {
  const adapter = findEvalAdapter(tool);
  if (!adapter) return [{ task: tasks[0] ?? '', message: `unknown eval tool '${tool}'`, suggestion: `use one of: ${evalToolNames().join(', ')}` }];
  return adapter.checkTasks(tasks, opts);
}

/** checkEvalTasks as a spec rule: each issue points at the task (or at eval.args / eval.problems). */
export const evalTaskRule: Rule = (spec) => {
  const ev = spec.eval;
  if (!ev) return [];
  const tool = ev.tool ?? 'bigcode';
  if (!findEvalAdapter(tool)) return [{ path: ['eval', 'tool'], message: `unknown eval tool '${tool}'; use one of: ${evalToolNames().join(', ')}` }];
  const tasks: string[] = [...ev.tasks];
  const merged: RuleIssue[] = [];
  // EvalPlus and LiveCodeBench (vLLM) load one model folder: a LoRA adapter must be merged first.
  const finetuning = spec.train?.finetuning ?? 'lora';
  if (findEvalAdapter(tool)?.needsMergedModel && spec.train && (finetuning === 'lora' || finetuning === 'oft') && !spec.train.merge) {
    merged.push({ path: ['train'], message: `eval.tool ${tool} loads merged weights, but train.finetuning ${finetuning} leaves an adapter; set train.merge: true` });
  }
  return merged.concat(checkEvalTasks(tool, tasks, { args: (ev.args ?? {}) as Record<string, unknown>, limit: ev.limit, problems: ev.problems }).map((issue): RuleIssue => {
    const argName = /^eval\.args\.([A-Za-z0-9_]+)/.exec(issue.message)?.[1];
    const index = tasks.indexOf(issue.task);
    const at: (string | number)[] = argName ? ['eval', 'args', argName] : issue.message.includes('eval.problems') ? ['eval'] : index >= 0 ? ['eval', 'tasks', index] : ['eval', 'tasks'];
    return { path: at, message: issue.suggestion ? `${issue.message}; ${issue.suggestion}` : issue.message, ...(argName && /not an|set by ablate/.test(issue.message) ? { at: 'key' as const } : {}) };
  }));
};

// ---------------------------------------------------------------------------------------------
// Commands (pure)

/**
 * Interpreters per tool: the managed env for pip-installable tools, the user's env for clones
 * (an adapter's pythonEnvVar: ABLATE_BIGCODE_PYTHON, ABLATE_LCB_PYTHON), keyed by tool name.
 */
export interface EvalPythons {
  /** The managed tool env's python (LLaMA-Factory, EvalPlus, the runners' libraries). */
  managed: string;
  [tool: string]: string | undefined;
}

/** Every step of an evaluation, in order (bigcode and EvalPlus have two: generate+score, codegen+evaluate). */
export function evalSteps(inv: EvalInvocation): StageCommand[] {
  return evalAdapter(inv.tool).steps(inv);
}

/** The stage's main command (the tool run itself), for `ablate plan --json`; evalSteps has all of them. */
export function evalCommand(inv: EvalInvocation): StageCommand {
  const [main] = evalSteps(inv);
  if (!main) throw new Error(`no command for ${inv.tool} ${inv.task}`);
  return main;
}

interface EvalStageInputs {
  train: string;
  task: string;
  eval: Eval;
  problems?: string;
}

function evalStageInputs(stage: Stage): EvalStageInputs {
  const inputs = stage.inputs as Partial<EvalStageInputs>;
  if (stage.kind !== 'eval' || typeof inputs.train !== 'string' || !isRecord(inputs.eval)) {
    throw new Error(`stage ${stage.id} is not an eval stage with train and eval inputs`);
  }
  return { train: inputs.train, task: stage.task ?? String(inputs.task), eval: inputs.eval as Eval, ...(typeof inputs.problems === 'string' ? { problems: inputs.problems } : {}) };
}

/**
 * Where the trained model is, as the train stage lays it out: `merged/` when it merges (LoRA with
 * train.merge, and read the same way when a full fine-tune is exported), else the LoRA adapter in
 * `output/` on top of the base model; a full fine-tune's `output/` is the model itself.
 */
export function trainedModel(trainDir: string, train: Train, specDir: string, env: NodeJS.ProcessEnv = process.env): EvalModel {
  // builtin:tiny-llama and ~/ paths resolve as the train stage resolves them.
  const base = modelPathFor(train.model, specDir, env);
  const finetuning = train.finetuning ?? 'lora';
  if (finetuning === 'full' || finetuning === 'freeze') return { base, merged: path.join(trainDir, OUTPUT_SUBDIR) };
  if (train.merge) return { base, merged: path.join(trainDir, MERGED_SUBDIR) };
  return { base, adapter: path.join(trainDir, OUTPUT_SUBDIR), ...(train.revision ? { revision: train.revision } : {}) };
}

/**
 * The model as the train stage actually left it: its model.json ({base, adapter?, merged?}, written
 * last by the train stage), else the layout of its folder (ctx.depDir) with the base model its
 * llamafactory.yaml really loaded.
 */
function modelAsTrained(planned: EvalModel, trainDir: string, plan: Plan, stage: Stage): EvalModel {
  const recorded = readJsonIfExists<unknown>(path.join(trainDir, MODEL_FILE));
  if (isRecord(recorded) && typeof recorded.base === 'string') return resolveTrainedModel(recorded as unknown as EvalModel, trainDir);
  const trainStage = plan.stages.get(evalStageInputs(stage).train);
  const trainInputs = trainStage?.inputs as { train?: Train } | undefined;
  const model = trainInputs?.train ? trainedModel(trainDir, trainInputs.train, plan.specDir) : planned;
  const configFile = path.join(trainDir, TRAIN_CONFIG_FILE);
  if (existsSync(configFile)) {
    const config = parseYaml(readFileSync(configFile, 'utf8')) as unknown;
    if (isRecord(config) && typeof config.model_name_or_path === 'string') {
      const base = config.model_name_or_path;
      return { ...model, base: isLocalPath(base) ? path.resolve(trainDir, base) : base };
    }
  }
  return model;
}

/**
 * The evaluation an eval stage of a plan runs: paths come from the plan and the environment given
 * (no process runs; the built-in model's folder name hashes its builder script).
 */
export function evalInvocation(plan: Plan, stage: Stage, opts: { pythons: EvalPythons; env?: NodeJS.ProcessEnv; runnersDir?: string; placeholders?: boolean }): EvalInvocation {
  const inputs = evalStageInputs(stage);
  const trainStage = plan.stages.get(inputs.train);
  if (!trainStage) throw new Error(`eval stage ${stage.id}: train stage ${inputs.train} is not in the plan`);
  const trainInputs = trainStage.inputs as { train?: Train };
  if (!trainInputs.train) throw new Error(`train stage ${trainStage.id} has no train config in its inputs`);
  const specDir = plan.specDir;
  const tool = inputs.eval.tool ?? 'bigcode';
  const adapter = evalAdapter(tool);
  const env = opts.env ?? process.env;
  const configured = evalCloneDir(inputs.eval, plan.specDir, env);
  // Plans and dry runs show the whole command even before the clone is set up, with a named placeholder.
  const harness = configured ?? (opts.placeholders ? adapter.harnessPlaceholder : undefined);
  const python = opts.pythons[tool] ?? opts.pythons.managed;
  return {
    tool,
    task: inputs.task,
    model: trainedModel(trainStage.dir, trainInputs.train, specDir, env),
    outDir: stage.dir,
    args: (inputs.eval.args ?? {}) as Record<string, unknown>,
    ...(inputs.eval.limit !== undefined ? { limit: inputs.eval.limit } : {}),
    ...(inputs.problems ? { problems: inputs.problems } : inputs.eval.problems ? { problems: path.resolve(plan.specDir, inputs.eval.problems) } : {}),
    ...(harness ? { harness } : {}),
    gpus: stage.gpus,
    python,
    runnersDir: opts.runnersDir ?? runnersDir(),
  };
}

/** Interpreters from the environment: ABLATE_PYTHON_ENV / the managed env, ABLATE_BIGCODE_PYTHON, ABLATE_LCB_PYTHON. */
export async function evalPythons(env: NodeJS.ProcessEnv = process.env, opts: { requireInstalled?: boolean } = {}): Promise<EvalPythons> {
  const envPath = opts.requireInstalled ? await requireToolEnv(env) : await toolEnvPath(env);
  const pythons: EvalPythons = { managed: pythonBin(envPath) };
  for (const tool of evalToolNames()) {
    const variable = evalAdapter(tool).pythonEnvVar;
    if (variable && env[variable]) pythons[tool] = path.resolve(env[variable]!);
  }
  return pythons;
}

/** Fills `stage.command` of every eval stage (for `ablate plan --json`); returns warnings about placeholders and commands it could not build. */
export async function attachEvalCommands(plan: Plan, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const pythons = await evalPythons(env);
  const warnings = new Set<string>();
  for (const stage of plan.stages.values()) {
    if (stage.kind !== 'eval') continue;
    try {
      const inv = evalInvocation(plan, stage, { pythons, env, placeholders: true });
      const adapter = evalAdapter(inv.tool);
      if (adapter.harnessPlaceholder && inv.harness === adapter.harnessPlaceholder && adapter.unconfiguredWarning) warnings.add(adapter.unconfiguredWarning);
      stage.command = evalCommand(inv);
    } catch (err) {
      warnings.add(`eval ${stage.id} [${stage.task ?? ''}]: no command: ${(err as Error).message}`);
    }
  }
  return [...warnings];
}

// ---------------------------------------------------------------------------------------------
// Running

export interface EvalStageDeps {
  pythons?: (env: NodeJS.ProcessEnv) => Promise<EvalPythons>;
  /** Version of the tool for provenance and the setup hash. */
  toolVersion?: (inv: EvalInvocation) => Promise<string | undefined>;
}

/** Runs the eval stage: writes its commands, runs them (logs to the stage log), writes result.json. */
export function makeEvalStageRunner(deps: EvalStageDeps = {}): StageRunner {
  return async (ctx: StageRunContext): Promise<StageResult> => {
    const env = { ...process.env, ...ctx.env };
    const pythons = await (deps.pythons ?? ((e) => evalPythons(e, { requireInstalled: !ctx.dryRun })))(env);
    const inv = evalInvocation(ctx.plan, ctx.stage, { pythons, env, placeholders: ctx.dryRun });
    inv.outDir = ctx.workDir;
    inv.model = modelAsTrained(inv.model, ctx.depDir(evalStageInputs(ctx.stage).train), ctx.plan, ctx.stage);
    const adapter = evalAdapter(inv.tool);
    checkReady(inv, ctx.dryRun);
    const steps = adapter.steps(inv);
    mkdirSync(ctx.workDir, { recursive: true });
    adapter.prepare?.(inv);
    writeFileAtomic(path.join(ctx.workDir, EVAL_COMMANDS_FILE), `${JSON.stringify(steps, null, 2)}\n`);
    if (ctx.dryRun) {
      for (const step of steps) ctx.log(`would run: ${JSON.stringify(step.argv)} env ${JSON.stringify(step.env)}`);
      return { summary: { dryRun: true } };
    }
    clearPreviousAttempt(inv);
    const toolVersion = await (deps.toolVersion ?? toolVersionOf)(inv);
    // Every tool of the stage gets one short private TMPDIR outside the results tree, removed afterwards.
    const scratch = privateScratch(env);
    try {
      adapter.prepareScratch?.(inv, scratch.dir);
      const running = adapter.steps({ ...inv, tmpDir: scratch.dir });
      ctx.log(`${inv.tool} ${inv.task}: private temp folder ${scratch.dir}`);
      writeFileAtomic(path.join(ctx.workDir, EVAL_COMMANDS_FILE), `${JSON.stringify(running, null, 2)}\n`);
      for (const [i, step] of running.entries()) {
        ctx.log(`${inv.tool} ${inv.task}: step ${i + 1}/${running.length}: ${JSON.stringify(step.argv)}`);
        ctx.progress({ percent: (100 * i) / running.length, message: `${inv.tool} ${inv.task}: step ${i + 1}/${running.length}` });
        await runStageCommand(ctx, step.argv, { cwd: step.cwd, env: { TMPDIR: scratch.dir, ...step.env }, onLine: (line) => reportProgress(ctx, line, i, running.length) });
      }
      adapter.collectOutputs?.(scratch.dir, ctx.workDir);
    } finally {
      scratch.remove();
    }
    const result = readEvalResult(inv, toolVersion);
    const warning = adapter.consistencyWarning?.(result);
    if (warning) ctx.log(`warning: ${warning}`);
    writeFileAtomic(path.join(ctx.workDir, EVAL_RESULT_FILE), `${JSON.stringify(result, null, 2)}\n`);
    ctx.progress({ percent: 100, message: `${inv.tool} ${inv.task}: ${formatMetrics(result.metrics)}` });
    return { ...(toolVersion ? { tools: { [inv.tool]: toolVersion } } : {}), summary: { ...result.metrics, problems: result.problems.length } };
  };
}

/** The eval stage runner with the default environment lookup. */
export const runEvalStage: StageRunner = makeEvalStageRunner();

function formatMetrics(metrics: Record<string, number>): string {
  return Object.entries(metrics).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ');
}

function reportProgress(ctx: StageRunContext, line: string, step: number, steps: number): void {
  // local_eval.py: "generated i/N ..."; score_generations.py: "scored i/N ...".
  const m = /^(generated|scored) (\d+)\/(\d+)/.exec(line);
  if (!m) return;
  const fraction = Number(m[2]) / Number(m[3]);
  ctx.progress({ percent: (100 * (step + fraction)) / steps, message: line });
}

function checkReady(inv: EvalInvocation, dryRun: boolean): void {
  evalAdapter(inv.tool).checkReady?.(inv, dryRun);
  if (inv.problems && !existsSync(inv.problems)) throw new AblateError(`eval.problems: ${inv.problems} does not exist`);
  if (dryRun) return;
  const model = inv.model.merged ?? inv.model.adapter;
  if (model && !existsSync(model)) throw new AblateError(`the trained model is missing: ${model} (did the train stage finish?)`);
}

/** A retried stage starts clean: the tools resume from (or refuse to overwrite) what they find. */
function clearPreviousAttempt(inv: EvalInvocation): void {
  for (const name of [EVAL_RESULT_FILE, ...evalAdapter(inv.tool).staleOutputs]) rmSync(path.join(inv.outDir, name), { recursive: true, force: true });
}

/** Parses the tool's outputs in inv.outDir into the common EvalResult. */
export function readEvalResult(inv: EvalInvocation, toolVersion?: string): EvalResult {
  return evalAdapter(inv.tool).parse(inv, toolVersion);
}

/** The tool's version for provenance; a tool that cannot tell gives none rather than failing the stage. */
async function toolVersionOf(inv: EvalInvocation): Promise<string | undefined> {
  try {
    return await evalAdapter(inv.tool).version(inv);
  } catch {
    return undefined;
  }
}

/**
 * Checks, before any stage starts, that each evaluator the plan needs is there: the harness clone
 * and its accelerate for bigcode, lcb_runner for LiveCodeBench. (The managed env that EvalPlus and
 * the local evaluator use is checked by the tool-env step.) Returns one message per problem.
 */
export async function preflightEvalTools(plan: Plan, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const pythons = await evalPythons(env);
  const problems = new Set<string>();
  const memo = new Map<string, Promise<boolean>>();
  for (const stage of plan.stages.values()) {
    if (stage.kind !== 'eval') continue;
    const inv = evalInvocation(plan, stage, { pythons, env });
    for (const problem of (await evalAdapter(inv.tool).preflight?.(inv, memo)) ?? []) problems.add(problem);
  }
  return [...problems];
}
