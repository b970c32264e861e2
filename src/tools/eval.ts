/**
 * The eval stage: one evaluation (tool, task, trained model) per stage. Dispatches to the tool
 * adapters for task checks (validation), exact commands (plan) and running + parsing (run).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { execa } from 'execa';
import { parse as parseYaml } from 'yaml';
import { AblateError } from '../errors.js';
import { cloneProvenance, cloneVersion } from '../util/cloneProvenance.js';
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
import { BIGCODE_FILES, bigcodeSteps, checkBigcodeArgs } from './bigcode/args.js';
import { checkBigcodeTasks } from './bigcode/check.js';
import { bigcodeConsistencyWarning, bigcodeResult } from './bigcode/parse.js';
import { EVALPLUS_FILES, checkEvalplusTasks, evalplusEffectiveArgs, evalplusResultsPath, evalplusSamplesPath, evalplusModel, evalplusSteps } from './evalplus/command.js';
import { evalplusResult } from './evalplus/parse.js';
import { EVAL_TOOLS, isRecord, type EvalInvocation, type EvalModel, type EvalTaskIssue, type EvalTool } from './evalCommon.js';
import { LCB_OUTPUT_DIR, checkLcbTasks, collectLcbOutputs, lcbEffectiveArgs, lcbEvalAllName, lcbSteps, lcbWorkingFolder } from './livecodebench/command.js';
import { lcbResult } from './livecodebench/parse.js';
import { LOCAL_FILES, checkLocalTasks, localEffectiveArgs, localSteps } from './localEval/command.js';
import { localResult } from './localEval/parse.js';
import { MERGED_SUBDIR, OUTPUT_SUBDIR, TRAIN_CONFIG_FILE } from './llamafactory/config.js';
import { modelPathFor } from './llamafactory/model.js';
import { MODEL_FILE, resolveTrainedModel } from './llamafactory/stage.js';
import { pythonBin, requireToolEnv, runnersDir, toolEnvPath } from './pyenv.js';

export type { EvalInvocation, EvalTaskIssue } from './evalCommon.js';

/** The result every eval stage leaves in its folder. */
export const EVAL_RESULT_FILE = 'result.json';
/** The exact commands of the stage, written before they run (also in a dry run). */
export const EVAL_COMMANDS_FILE = 'eval-commands.json';

// ---------------------------------------------------------------------------------------------
// Validation

export interface EvalCheckOptions {
  args?: Record<string, unknown>;
  limit?: number;
  problems?: string;
}

/** Problems with the tasks (and tool arguments) of an `eval` section, before anything runs. */
export function checkEvalTasks(tool: string, tasks: readonly string[], opts: EvalCheckOptions = {}): EvalTaskIssue[] {
  const args = opts.args ?? {};
  switch (tool) {
    case 'bigcode': {
      const issues = checkBigcodeTasks(tasks, args);
      // Argument issues are the same for every task: report them once.
      const first = tasks[0];
      return first === undefined ? issues : [...issues, ...checkBigcodeArgs(first, args)];
    }
    case 'evalplus':
      return dedupe(checkEvalplusTasks(tasks, opts));
    case 'livecodebench':
      return dedupe(checkLcbTasks(tasks, args));
    case 'local':
      return dedupe(checkLocalTasks(tasks, opts));
    default:
      return [{ task: tasks[0] ?? '', message: `unknown eval tool '${tool}'`, suggestion: `use one of: ${EVAL_TOOLS.join(', ')}` }];
  }
}

function dedupe(issues: EvalTaskIssue[]): EvalTaskIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    // Tool-wide messages (arguments, a missing file) repeat per task; keep the first.
    const key = i.message.includes(`'${i.task}'`) ? `${i.task}\0${i.message}` : i.message;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** checkEvalTasks as a spec rule: each issue points at the task (or at eval.args / eval.problems). */
export const evalTaskRule: Rule = (spec) => {
  const ev = spec.eval;
  if (!ev) return [];
  const tool = ev.tool ?? 'bigcode';
  const tasks: string[] = [...ev.tasks];
  const merged: RuleIssue[] = [];
  // EvalPlus and LiveCodeBench (vLLM) load one model folder: a LoRA adapter must be merged first.
  const finetuning = spec.train?.finetuning ?? 'lora';
  if ((tool === 'evalplus' || tool === 'livecodebench') && spec.train && (finetuning === 'lora' || finetuning === 'oft') && !spec.train.merge) {
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

/** Interpreters per tool: the managed env for pip-installable tools, the user's env for clones. */
export interface EvalPythons {
  /** The managed tool env's python (LLaMA-Factory, EvalPlus, the runners' libraries). */
  managed: string;
  /** bigcode harness clone's env (ABLATE_BIGCODE_PYTHON); default `managed`. */
  bigcode?: string;
  /** LiveCodeBench clone's env (ABLATE_LCB_PYTHON); default `managed`. */
  livecodebench?: string;
}

/** Every step of an evaluation, in order (bigcode and EvalPlus have two: generate+score, codegen+evaluate). */
export function evalSteps(inv: EvalInvocation): StageCommand[] {
  switch (inv.tool) {
    case 'bigcode':
      return bigcodeSteps(inv);
    case 'evalplus':
      return evalplusSteps(inv);
    case 'livecodebench':
      return lcbSteps(inv);
    case 'local':
      return localSteps(inv);
  }
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
/** Shown in dry runs and plans in place of the harness folder when none is configured. */
export const HARNESS_PLACEHOLDER = '<ABLATE_BIGCODE_HARNESS>';
/** The same for the LiveCodeBench clone. */
export const LCB_PLACEHOLDER = '<ABLATE_LIVECODEBENCH>';

export function evalInvocation(plan: Plan, stage: Stage, opts: { pythons: EvalPythons; env?: NodeJS.ProcessEnv; runnersDir?: string; placeholders?: boolean }): EvalInvocation {
  const inputs = evalStageInputs(stage);
  const trainStage = plan.stages.get(inputs.train);
  if (!trainStage) throw new Error(`eval stage ${stage.id}: train stage ${inputs.train} is not in the plan`);
  const trainInputs = trainStage.inputs as { train?: Train };
  if (!trainInputs.train) throw new Error(`train stage ${trainStage.id} has no train config in its inputs`);
  const specDir = plan.specDir;
  const tool = (inputs.eval.tool ?? 'bigcode') as EvalTool;
  const env = opts.env ?? process.env;
  const configured = evalCloneDir(inputs.eval, plan.specDir, env);
  // Plans and dry runs show the whole command even before the clone is set up, with a named placeholder.
  const placeholder = tool === 'bigcode' ? HARNESS_PLACEHOLDER : tool === 'livecodebench' ? LCB_PLACEHOLDER : undefined;
  const harness = configured ?? (opts.placeholders ? placeholder : undefined);
  const python = tool === 'bigcode' ? opts.pythons.bigcode ?? opts.pythons.managed : tool === 'livecodebench' ? opts.pythons.livecodebench ?? opts.pythons.managed : opts.pythons.managed;
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
  return {
    managed: pythonBin(envPath),
    ...(env.ABLATE_BIGCODE_PYTHON ? { bigcode: path.resolve(env.ABLATE_BIGCODE_PYTHON) } : {}),
    ...(env.ABLATE_LCB_PYTHON ? { livecodebench: path.resolve(env.ABLATE_LCB_PYTHON) } : {}),
  };
}

/** Fills `stage.command` of every eval stage (for `ablate plan --json`); returns warnings about placeholders and commands it could not build. */
export async function attachEvalCommands(plan: Plan, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const pythons = await evalPythons(env);
  const warnings = new Set<string>();
  for (const stage of plan.stages.values()) {
    if (stage.kind !== 'eval') continue;
    try {
      const inv = evalInvocation(plan, stage, { pythons, env, placeholders: true });
      if (inv.harness === HARNESS_PLACEHOLDER) warnings.add(`the BigCode harness is not configured: its commands show ${HARNESS_PLACEHOLDER}; set eval.harness or ABLATE_BIGCODE_HARNESS to your clone`);
      if (inv.harness === LCB_PLACEHOLDER) warnings.add(`the LiveCodeBench clone is not configured: its commands show ${LCB_PLACEHOLDER}; set eval.harness or ABLATE_LIVECODEBENCH to your clone`);
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
    checkReady(inv, ctx.dryRun);
    const steps = evalSteps(inv);
    mkdirSync(ctx.workDir, { recursive: true });
    prepareInputs(inv);
    writeFileAtomic(path.join(ctx.workDir, EVAL_COMMANDS_FILE), `${JSON.stringify(steps, null, 2)}\n`);
    if (ctx.dryRun) {
      for (const step of steps) ctx.log(`would run: ${JSON.stringify(step.argv)} env ${JSON.stringify(step.env)}`);
      return { summary: { dryRun: true } };
    }
    clearPreviousAttempt(inv);
    const toolVersion = await (deps.toolVersion ?? defaultToolVersion)(inv);
    // Every tool of the stage gets one short private TMPDIR outside the results tree, removed afterwards.
    const scratch = privateScratch(env);
    try {
      if (inv.tool === 'livecodebench') lcbWorkingFolder(inv.harness!, scratch.dir);
      const running = evalSteps({ ...inv, tmpDir: scratch.dir });
      ctx.log(`${inv.tool} ${inv.task}: private temp folder ${scratch.dir}`);
      writeFileAtomic(path.join(ctx.workDir, EVAL_COMMANDS_FILE), `${JSON.stringify(running, null, 2)}\n`);
      for (const [i, step] of running.entries()) {
        ctx.log(`${inv.tool} ${inv.task}: step ${i + 1}/${running.length}: ${JSON.stringify(step.argv)}`);
        ctx.progress({ percent: (100 * i) / running.length, message: `${inv.tool} ${inv.task}: step ${i + 1}/${running.length}` });
        await runStageCommand(ctx, step.argv, { cwd: step.cwd, env: { TMPDIR: scratch.dir, ...step.env }, onLine: (line) => reportProgress(ctx, line, i, running.length) });
      }
      if (inv.tool === 'livecodebench') collectLcbOutputs(scratch.dir, ctx.workDir);
    } finally {
      scratch.remove();
    }
    const result = readEvalResult(inv, toolVersion);
    const warning = inv.tool === 'bigcode' ? bigcodeConsistencyWarning(result) : undefined;
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
  if (inv.tool === 'bigcode' && !(dryRun && inv.harness === HARNESS_PLACEHOLDER)) {
    if (!inv.harness) throw new AblateError('bigcode evaluation needs the harness: set eval.harness to your bigcode-evaluation-harness clone (or ABLATE_BIGCODE_HARNESS)');
    if (!existsSync(path.join(inv.harness, 'main.py'))) throw new AblateError(`${inv.harness} is not a bigcode-evaluation-harness clone (no main.py)`);
  }
  if (inv.tool === 'livecodebench' && !(dryRun && inv.harness === LCB_PLACEHOLDER)) {
    if (!inv.harness) throw new AblateError('LiveCodeBench runs from its clone: set eval.harness (or ABLATE_LIVECODEBENCH) to your LiveCodeBench clone');
    if (!existsSync(path.join(inv.harness, 'lcb_runner'))) throw new AblateError(`${inv.harness} is not a LiveCodeBench clone (no lcb_runner/)`);
  }
  if (inv.tool === 'evalplus') evalplusModel(inv);
  if (inv.problems && !existsSync(inv.problems)) throw new AblateError(`eval.problems: ${inv.problems} does not exist`);
  if (dryRun) return;
  const model = inv.model.merged ?? inv.model.adapter;
  if (model && !existsSync(model)) throw new AblateError(`the trained model is missing: ${model} (did the train stage finish?)`);
}

/** Inputs derived from spec files: EvalPlus evaluates every problem of its file, so a limit needs a cut file. */
function prepareInputs(inv: EvalInvocation): void {
  if (inv.tool === 'evalplus' && inv.problems && inv.limit !== undefined) {
    const lines = readProblemLines(inv.problems).slice(0, inv.limit);
    writeFileAtomic(path.join(inv.outDir, EVALPLUS_FILES.problems), lines.map((l) => `${l}\n`).join(''));
  }
}

function readProblemLines(file: string): string[] {
  const raw = readFileSync(file);
  const text = file.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  return text.split('\n').filter((l) => l.trim() !== '');
}

/** A retried stage starts clean: the tools resume from (or refuse to overwrite) what they find. */
function clearPreviousAttempt(inv: EvalInvocation): void {
  const stale = [EVAL_RESULT_FILE];
  if (inv.tool === 'evalplus') stale.push(EVALPLUS_FILES.root);
  if (inv.tool === 'livecodebench') stale.push(LCB_OUTPUT_DIR);
  // `tmp/`: where older versions put the harness's TMPDIR, inside the stage folder.
  if (inv.tool === 'bigcode') stale.push(BIGCODE_FILES.metrics, BIGCODE_FILES.perProblem, 'tmp/');
  if (inv.tool === 'local') stale.push(LOCAL_FILES.result, LOCAL_FILES.generations);
  for (const name of stale) rmSync(path.join(inv.outDir, name), { recursive: true, force: true });
}

function readJson(file: string, what: string): unknown {
  const json = readJsonIfExists<unknown>(file);
  if (json === undefined) throw new AblateError(`${what} did not write ${file}`);
  return json;
}

function fileSha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Parses the tool's outputs in inv.outDir into the common EvalResult. */
export function readEvalResult(inv: EvalInvocation, toolVersion?: string): EvalResult {
  const version = toolVersion ? { toolVersion } : {};
  const problemsSetup = inv.problems ? { problems_sha256: fileSha256(inv.problems) } : {};
  switch (inv.tool) {
    case 'bigcode':
      return bigcodeResult({
        task: inv.task,
        metricsJson: readJson(path.join(inv.outDir, BIGCODE_FILES.metrics), 'the bigcode harness'),
        perProblemJson: readJson(path.join(inv.outDir, BIGCODE_FILES.perProblem), 'score_generations.py'),
        ...version,
      });
    case 'evalplus': {
      const effective = evalplusEffectiveArgs(inv);
      const samples = evalplusSamplesPath(path.join(inv.outDir, EVALPLUS_FILES.root), inv.task, evalplusModel(inv), String(effective.backend), Number(effective.temperature ?? 0));
      return evalplusResult({ task: inv.task, json: readJson(evalplusResultsPath(samples), 'evalplus.evaluate'), args: { ...effective, ...problemsSetup, limit: inv.limit ?? null }, ...version });
    }
    case 'livecodebench': {
      const effective = lcbEffectiveArgs(inv);
      const file = findLcbEvalAll(inv.outDir, Number(effective.n), Number(effective.temperature));
      return lcbResult({ task: inv.task, json: readJson(file, 'LiveCodeBench'), args: effective, ...version });
    }
    case 'local':
      return localResult({ task: inv.task, json: readJson(path.join(inv.outDir, LOCAL_FILES.result), 'local_eval.py'), args: { ...localEffectiveArgs(inv), ...problemsSetup }, ...version });
  }
}

/** `output/<model_repr>/Scenario.codegeneration_<n>_<t>_eval_all.json`; model_repr comes from lm_styles.py, so search. */
function findLcbEvalAll(outDir: string, n: number, temperature: number): string {
  const name = lcbEvalAllName(n, temperature);
  const root = path.join(outDir, LCB_OUTPUT_DIR);
  const found: string[] = [];
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === name) found.push(full);
    }
  };
  walk(root);
  if (found.length !== 1) throw new AblateError(`LiveCodeBench: expected one ${name} under ${root}, found ${found.length}`);
  return found[0] as string;
}

/** The commit of a harness clone (for `ablate tools` and provenance); undefined when it is not a git checkout of its own. */
export async function harnessCommit(dir: string): Promise<string | undefined> {
  const top = await execa('git', ['-C', dir, 'rev-parse', '--show-toplevel'], { reject: false });
  // A folder inside some other repository (a vendored copy) has no commit of its own.
  if (top.exitCode !== 0 || realpathSync(top.stdout.trim()) !== realpathSync(dir)) return undefined;
  const head = await execa('git', ['-C', dir, 'rev-parse', 'HEAD'], { reject: false });
  return head.exitCode === 0 ? head.stdout.trim() : undefined;
}

async function defaultToolVersion(inv: EvalInvocation): Promise<string | undefined> {
  try {
    switch (inv.tool) {
      case 'bigcode': {
        // Commit plus local edits: a patched clone is recorded (and set up) as what it is.
        const prov = inv.harness ? cloneProvenance(inv.harness, { fresh: true }) : undefined;
        return prov?.commit ? cloneVersion(prov) : undefined;
      }
      case 'livecodebench': {
        // Run from its clone (not on PyPI): its commit and local edits.
        const prov = inv.harness ? cloneProvenance(inv.harness, { fresh: true }) : undefined;
        return prov?.commit ? cloneVersion(prov) : undefined;
      }
      case 'evalplus': {
        const r = await execa(inv.python, ['-c', 'import importlib.metadata as m; print(m.version("evalplus"))'], { reject: false });
        return r.exitCode === 0 ? r.stdout.trim() : undefined;
      }
      case 'local':
        // The runner is ablate's own code: its content is its version.
        return `local_eval.py:${fileSha256(path.join(inv.runnersDir, 'local_eval.py')).slice(0, 12)}`;
    }
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
  const checkedImports = new Map<string, Promise<boolean>>();
  for (const stage of plan.stages.values()) {
    if (stage.kind !== 'eval') continue;
    const inv = evalInvocation(plan, stage, { pythons, env });
    if (inv.tool === 'bigcode') {
      if (!inv.harness) problems.add('bigcode: set eval.harness (or ABLATE_BIGCODE_HARNESS) to a clone of https://github.com/bigcode-project/bigcode-evaluation-harness (git clone, then `pip install -e .` in its Python env)');
      else if (!existsSync(path.join(inv.harness, 'main.py'))) problems.add(`bigcode: ${inv.harness} is not a bigcode-evaluation-harness clone (no main.py)`);
      const accelerate = path.join(path.dirname(inv.python), 'accelerate');
      if (!existsSync(accelerate)) problems.add(`bigcode: no ${accelerate}; set ABLATE_BIGCODE_PYTHON to the python of the env where the harness is installed (pip install -e . in the clone)`);
    }
    if (inv.tool === 'evalplus' && existsSync(inv.python)) {
      // A missing managed env is installed next; a user's env (ABLATE_PYTHON_ENV) may lack EvalPlus.
      const key = `evalplus\0${inv.python}`;
      let job = checkedImports.get(key);
      if (!job) {
        job = execa(inv.python, ['-c', 'import importlib.util, sys; sys.exit(0 if importlib.util.find_spec("evalplus") else 1)'], { reject: false }).then((r) => r.exitCode === 0, () => false);
        checkedImports.set(key, job);
      }
      if (!(await job)) problems.add(`evalplus: ${inv.python} cannot import evalplus; \`${inv.python} -m pip install evalplus==0.3.1\` (the pinned version), or unset ABLATE_PYTHON_ENV and run \`ablate tools install\``);
    }
    if (inv.tool === 'livecodebench') {
      if (!inv.harness) problems.add('livecodebench: set eval.harness (or ABLATE_LIVECODEBENCH) to a clone of https://github.com/LiveCodeBench/LiveCodeBench (it runs from its clone)');
      else if (!existsSync(path.join(inv.harness, 'lcb_runner'))) problems.add(`livecodebench: ${inv.harness} is not a LiveCodeBench clone (no lcb_runner/)`);
      else {
        const key = `lcb\0${inv.python}\0${inv.harness}`;
        let job = checkedImports.get(key);
        if (!job) {
          // Its dependencies (vLLM, datasets), imported from the clone's root as the runner is.
          job = execa(inv.python, ['-c', 'import lcb_runner.runner.parser'], { reject: false, cwd: inv.harness }).then((r) => r.exitCode === 0, () => false);
          checkedImports.set(key, job);
        }
        if (!(await job)) problems.add(`livecodebench: ${inv.python} cannot import lcb_runner from ${inv.harness}; \`pip install -e .\` the clone (needs vLLM and a GPU) and set ABLATE_LCB_PYTHON to that env's python`);
      }
    }
  }
  return [...problems];
}
