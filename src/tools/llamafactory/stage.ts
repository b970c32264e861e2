/**
 * The train stage: writes llamafactory.yaml into the stage folder, runs `llamafactory-cli train`,
 * streams its output to train.log and its trainer_log.jsonl to the progress view, then writes
 * metrics.json (final metrics + training curve) and model.json (what evaluators load).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, openSync, readSync, closeSync } from 'node:fs';
import path from 'node:path';
import { AblateError } from '../../errors.js';
import { runStageCommand } from '../../exec/command.js';
import { tailOfFile, writeFileAtomic } from '../../exec/fsutil.js';
import { announceLaunch, awaitLaunch } from '../../exec/ranks.js';
import { StageCommandError } from '../../exec/stage.js';
import type { StageResult, StageRunContext, ToolTracking } from '../../exec/types.js';
import type { Stage, StageCommand } from '../../plan/types.js';
import type { Train } from '../../spec/types.generated.js';
import type { EvalModel } from '../evalCommon.js';
import { ensureToolEnv, envTool, pythonBin, runnerScript, toolEnvPath } from '../pyenv.js';
import { packageVersions } from '../toolsInfo.js';
import { exportCommand, torchrunProblem, trainCommand, type TrainCommandOptions } from './command.js';
import { buildMergeConfig, buildTrainConfig, deepspeedPreset, MERGE_CONFIG_FILE, mergeModelArgs, MERGED_SUBDIR, OUTPUT_SUBDIR, TRAIN_CONFIG_FILE, writeTrainConfig } from './config.js';
import { ensureTinyModel, isBuiltinModel, isLocalModel, modelPathFor, TINY_LLAMA } from './model.js';
import { ALL_RESULTS, parseTrainerLog, progressOf, readTrainMetrics, TRAINER_LOG, trainingCurve, type TrainerLogEntry } from './outputs.js';
import { chooseResume, finalModelProblem } from './checkpoints.js';

export const TRAIN_LOG = 'train.log';
export const METRICS_FILE = 'metrics.json';
/**
 * What evaluators load: {base, adapter?, merged?} (EvalModel). `adapter` and `merged` are relative to
 * the train stage folder, so a copied or moved results folder evaluates its own weights.
 */
export const MODEL_FILE = 'model.json';
export const DEEPSPEED_FILE = 'deepspeed.json';
/** Lines of the tool's log carried in a failure's message. */
const FAILURE_TAIL_LINES = 30;

/** The dataset entry of a materialize stage folder: dataset_info.json holds exactly one. */
export function readDatasetName(datasetDir: string): string {
  const file = path.join(datasetDir, 'dataset_info.json');
  let info: unknown;
  try {
    info = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new AblateError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const names = typeof info === 'object' && info !== null ? Object.keys(info) : [];
  if (names.length !== 1) throw new AblateError(`${file} must hold exactly one dataset entry, found ${names.length}`);
  return names[0]!;
}

function trainInputs(stage: Stage): { train: Train } {
  const train = stage.inputs.train as Train | undefined;
  if (!train) throw new Error(`train stage ${stage.id} lacks inputs.train`);
  return { train };
}

export interface PreparedTraining {
  cfgPath: string;
  config: Record<string, unknown>;
  command: StageCommand;
  outputDir: string;
  modelPath: string;
  merge?: { cfgPath: string; command: StageCommand; exportDir: string };
}

/**
 * Writes the stage's configuration files (llamafactory.yaml, deepspeed.json, merge.yaml) and returns
 * the commands: everything but running them. Used by the run, by dry runs and by `ablate plan`.
 */
export function prepareTraining(
  stage: Stage,
  /** Folder the spec's relative paths (local model, DeepSpeed config) resolve against. */
  specDir: string,
  datasetDir: string,
  envPath: string,
  opts: { datasetName?: string; parentPath?: string; nodes?: TrainCommandOptions['nodes']; tracking?: ToolTracking } = {},
): PreparedTraining {
  const { train } = trainInputs(stage);
  const workDir = stage.dir;
  const outputDir = path.join(workDir, OUTPUT_SUBDIR);
  const modelPath = modelPathFor(train.model, specDir);
  let deepspeedConfig: string | undefined;
  if (train.deepspeed) {
    deepspeedConfig = path.join(workDir, DEEPSPEED_FILE);
    const preset = deepspeedPreset(train.deepspeed);
    if (preset) writeFileAtomic(deepspeedConfig, `${JSON.stringify(preset, null, 2)}\n`);
    else writeFileAtomic(deepspeedConfig, readFileSync(path.resolve(specDir, train.deepspeed)));
  }
  const datasetName = opts.datasetName ?? readDatasetName(datasetDir);
  const tracking = opts.tracking ? { reportTo: opts.tracking.reportTo, runName: opts.tracking.runName } : undefined;
  const config = buildTrainConfig({ train, modelPath, datasetDir, datasetName, outputDir, ...(deepspeedConfig ? { deepspeedConfig } : {}), ...(tracking ? { tracking } : {}) });
  const cfgPath = writeTrainConfig(workDir, config);
  const offline = trainsOffline(train.model);
  const command = trainCommand(cfgPath, stage.gpus, { envPath, cwd: workDir, deepspeed: Boolean(train.deepspeed), offline, ...(opts.parentPath ? { parentPath: opts.parentPath } : {}), ...(opts.nodes ? { nodes: opts.nodes } : {}) });
  // The trackers' callbacks find their run (MLFLOW_RUN_ID, WANDB_RUN_ID, ...) in the environment.
  if (opts.tracking) command.env = { ...command.env, ...opts.tracking.env };
  const prepared: PreparedTraining = { cfgPath, config, command, outputDir, modelPath };
  if (train.merge && (train.finetuning ?? 'lora') === 'lora') {
    const exportDir = path.join(workDir, MERGED_SUBDIR);
    const mergeCfg = buildMergeConfig({ modelPath, adapterDir: outputDir, template: train.template ?? 'default', exportDir, ...(train.revision ? { revision: train.revision } : {}), modelArgs: mergeModelArgs(train.args as Record<string, unknown> | undefined) });
    const mergePath = writeTrainConfig(workDir, mergeCfg, MERGE_CONFIG_FILE);
    prepared.merge = { cfgPath: mergePath, command: exportCommand(mergePath, { envPath, cwd: workDir, offline, ...(opts.parentPath ? { parentPath: opts.parentPath } : {}) }), exportDir };
  }
  return prepared;
}

/**
 * Training never waits on the hub: a local model needs none, and a hub model was put into the
 * Hugging Face cache by `ablate fetch` (a run checks that before it starts), which compute nodes
 * without internet read offline. ABLATE_HUB_ONLINE=1 lets transformers download on first use instead.
 */
function trainsOffline(model: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return isBuiltinModel(model) || isLocalModel(model) || env.ABLATE_HUB_ONLINE !== '1';
}

/** The train stage's command for `ablate plan --json` (no files needed; nothing written). */
export async function trainStageCommand(stage: Stage): Promise<StageCommand> {
  const { train } = trainInputs(stage);
  const envPath = await toolEnvPath();
  const cfgPath = path.join(stage.dir, TRAIN_CONFIG_FILE);
  return trainCommand(cfgPath, stage.gpus, { envPath, cwd: stage.dir, deepspeed: Boolean(train.deepspeed), offline: trainsOffline(train.model) });
}

/** StageRunner for `train` stages (src/exec/runners.ts). */
export async function runTrainStage(ctx: StageRunContext): Promise<StageResult> {
  const { stage } = ctx;
  const { train } = trainInputs(stage);
  const datasetId = stage.deps[0];
  if (!datasetId) throw new Error(`train stage ${stage.id} has no dataset dependency`);
  const datasetDir = ctx.depDir(datasetId);
  const parentPath = ctx.env.PATH ?? process.env.PATH;
  // Refuse a torchrun launch that cannot work before installing anything (that takes minutes).
  const early = torchrunProblem(trainCommand(path.join(stage.dir, TRAIN_CONFIG_FILE), stage.gpus, { envPath: await toolEnvPath(), cwd: stage.dir, deepspeed: Boolean(train.deepspeed), ...nodesFromEnv(ctx.env) }));
  if (early) throw new AblateError(early, 2);
  // A multi-node run: ranks > 0 join the tool rank 0 starts, once it has prepared the folder.
  const { nodes } = nodesFromEnv(ctx.env);
  const attempt = ctx.env.ABLATE_ATTEMPT ?? 'local';
  if (nodes && nodes.nodeRank > 0 && !ctx.dryRun && !(await awaitLaunch(stage.dir, attempt, ctx.signal))) {
    ctx.log(`rank ${nodes.nodeRank}: rank 0 found the training finished; nothing to join`);
    return {};
  }
  const envPath = ctx.dryRun ? await toolEnvPath() : await ensureToolEnv({ onProgress: ctx.log, signal: ctx.signal });
  if (!ctx.dryRun) assertLlamaFactoryInstalled(envPath);
  if (!ctx.dryRun && train.model === TINY_LLAMA) await ensureTinyModel(envPath, { log: ctx.log, signal: ctx.signal });

  const prepared = prepareTraining(stage, ctx.plan.specDir, datasetDir, envPath, {
    // A dry run may precede materialization: fall back to the name materialize will write.
    ...(ctx.dryRun && !existsSync(path.join(datasetDir, 'dataset_info.json')) ? { datasetName: `ablate_${datasetId}` } : {}),
    ...(parentPath ? { parentPath } : {}),
    ...nodesFromEnv(ctx.env),
    ...(ctx.tracking ? { tracking: ctx.tracking } : {}),
  });
  // Whatever makes it re-launch under torchrun (several GPUs, DeepSpeed, several nodes from the executor).
  const torchrun = torchrunProblem(prepared.command);
  if (torchrun) throw new AblateError(torchrun, 2);
  ctx.log(`llamafactory config: ${prepared.cfgPath}`);
  ctx.log(`command: ${JSON.stringify(prepared.command.argv)} env: ${JSON.stringify(withoutPath(prepared.command.env))}`);
  if (prepared.merge) ctx.log(`merge: ${JSON.stringify(prepared.merge.command.argv)}`);
  if (ctx.dryRun) return {};

  if (nodes && nodes.nodeRank > 0) {
    // Rank 0 reads the results and writes the stage's files; this rank only takes part in the training.
    await runTool(ctx, prepared.command, path.join(ctx.workDir, `train-rank${nodes.nodeRank}.log`));
    return {};
  }
  const tools = await toolVersions(envPath);
  const logFile = path.join(ctx.workDir, TRAIN_LOG);
  // all_results.json is written once training has ended: a rerun after a later failure (the merge)
  // must not "resume" a finished training, which would overwrite its metrics with an empty run's.
  // (`--force` moved the old outputs aside before this runs, so a forced stage really trains again.)
  const finished = readTrainMetrics(prepared.outputDir) !== undefined;
  const finalProblem = finished ? finalModelProblem(prepared.outputDir) : undefined;
  let resumedFrom: string | null = null;
  if (finished && !finalProblem) {
    ctx.log(`training already finished (output/${ALL_RESULTS} exists, final model readable): not training again`);
    if (nodes) announceLaunch(stage.dir, attempt, false);
  } else {
    if (finalProblem) {
      ctx.log(`output/${ALL_RESULTS} exists but the final model is not usable (${finalProblem}): training again`);
      rmSync(path.join(prepared.outputDir, ALL_RESULTS), { force: true });
    }
    resumedFrom = prepareResume(prepared.outputDir, ctx);
    const tail = tailTrainerLog(path.join(prepared.outputDir, TRAINER_LOG), (entry) => ctx.progress(progressOf(entry)));
    if (nodes) announceLaunch(stage.dir, attempt);
    try {
      await runTool(ctx, prepared.command, logFile);
    } finally {
      tail.stop();
    }
  }

  const metrics = readTrainMetrics(prepared.outputDir);
  if (!metrics) throw new AblateError(`llamafactory-cli train finished without ${path.join(prepared.outputDir, 'all_results.json')}; log: ${logFile}\n${tailOfFile(logFile, FAILURE_TAIL_LINES)}`);
  const logText = existsSync(path.join(prepared.outputDir, TRAINER_LOG)) ? readFileSync(path.join(prepared.outputDir, TRAINER_LOG), 'utf8') : '';
  const curve = trainingCurve(parseTrainerLog(logText));
  writeFileAtomic(path.join(ctx.workDir, METRICS_FILE), `${JSON.stringify({ tool: 'llamafactory', version: tools.llamafactory ?? null, train: metrics, curve, resumed_from: resumedFrom }, null, 2)}\n`);

  const finetuning = train.finetuning ?? 'lora';
  const model: EvalModel = { base: prepared.modelPath };
  // An unmerged adapter is applied to the base at evaluation time: at the revision it was trained on.
  if (train.revision && !prepared.merge && (finetuning === 'lora' || finetuning === 'oft')) model.revision = train.revision;
  if (prepared.merge) {
    ctx.progress({ message: 'merging the LoRA adapter' });
    rmSync(prepared.merge.exportDir, { recursive: true, force: true });
    await runTool(ctx, prepared.merge.command, logFile);
    model.merged = prepared.merge.exportDir;
  } else if (finetuning === 'lora' || finetuning === 'oft') {
    model.adapter = prepared.outputDir;
  } else {
    model.merged = prepared.outputDir;
  }
  writeFileAtomic(path.join(ctx.workDir, MODEL_FILE), `${JSON.stringify(relativeModel(model, ctx.workDir), null, 2)}\n`);
  ctx.progress({ percent: 100, message: `train_loss ${metrics.train_loss?.toFixed(4) ?? '?'}` });
  return {
    tools,
    summary: {
      ...(metrics.train_loss !== undefined ? { train_loss: metrics.train_loss } : {}),
      ...(metrics.train_runtime !== undefined ? { train_runtime: metrics.train_runtime } : {}),
      steps: curve.at(-1)?.step ?? null,
    },
  };
}

/** Where incomplete checkpoints go (internal to the stage folder, never an output); the latest set only. */
export const INCOMPLETE_DIR = 'ablate-incomplete-checkpoints';

/**
 * Leaves output_dir so that LLaMA-Factory's own choice (the highest checkpoint-N) is a complete
 * checkpoint, or so that it starts over: newer incomplete checkpoints move aside, and without any
 * complete one the folder goes. Says which in the stage log; returns the checkpoint resumed from.
 */
export function prepareResume(outputDir: string, ctx: Pick<StageRunContext, 'log' | 'workDir'>): string | null {
  const choice = chooseResume(outputDir);
  if (choice.incomplete.length) {
    const aside = path.join(ctx.workDir, INCOMPLETE_DIR);
    rmSync(aside, { recursive: true, force: true });
    mkdirSync(aside, { recursive: true });
    for (const c of choice.incomplete) {
      renameSync(c.dir, path.join(aside, path.basename(c.dir)));
      ctx.log(`${path.basename(c.dir)} is incomplete (${c.problem}): moved to ${aside}`);
    }
  }
  if (choice.resume) {
    ctx.log(`resuming from ${path.basename(choice.resume)} (complete; overwrite_output_dir: false)`);
    return path.basename(choice.resume);
  }
  if (existsSync(outputDir)) {
    // Nothing to resume: a leftover final model would make LLaMA-Factory refuse the folder.
    ctx.log(`starting over: ${choice.incomplete.length ? 'no complete checkpoint' : 'no checkpoint'} in ${outputDir}`);
    rmSync(outputDir, { recursive: true, force: true });
  }
  return null;
}

/** A user's env (ABLATE_PYTHON_ENV) may lack LLaMA-Factory: say how to install it instead of failing to spawn. */
export function assertLlamaFactoryInstalled(envPath: string): void {
  const cli = envTool(envPath, 'llamafactory-cli');
  if (existsSync(cli)) return;
  throw new AblateError(
    `LLaMA-Factory is not installed in the Python tool env ${envPath} (no ${cli}): install the pinned tools into it with ` +
      `\`${pythonBin(envPath)} -m pip install -r ${runnerScript('requirements.txt')} -c ${runnerScript('constraints.txt')}\`, ` +
      'or unset ABLATE_PYTHON_ENV and run `ablate tools install` (a managed env with every pinned tool)',
  );
}

/** model.json's form: the weights folders as POSIX paths relative to the train stage folder. */
export function relativeModel(model: EvalModel, trainStageDir: string): EvalModel {
  const rel = (p: string): string => path.relative(trainStageDir, p).split(path.sep).join('/');
  return { ...model, ...(model.adapter ? { adapter: rel(model.adapter) } : {}), ...(model.merged ? { merged: rel(model.merged) } : {}) };
}

/**
 * model.json read back with absolute paths inside `trainStageDir`, wherever the results folder now is.
 * An older record with absolute paths is rebased onto this folder (its own output/ or merged/), never
 * followed to the folder it was copied from.
 */
export function resolveTrainedModel(model: EvalModel, trainStageDir: string): EvalModel {
  const abs = (p: string): string => (path.isAbsolute(p) ? path.join(trainStageDir, path.basename(p)) : path.resolve(trainStageDir, p));
  return { ...model, ...(model.adapter ? { adapter: abs(model.adapter) } : {}), ...(model.merged ? { merged: abs(model.merged) } : {}) };
}

/** The model a finished train stage left, for evaluators. */
export function readTrainedModel(trainStageDir: string): EvalModel {
  const file = path.join(trainStageDir, MODEL_FILE);
  if (!existsSync(file)) throw new AblateError(`${file} is missing: the train stage has not finished`);
  return resolveTrainedModel(JSON.parse(readFileSync(file, 'utf8')) as EvalModel, trainStageDir);
}

async function toolVersions(envPath: string): Promise<Record<string, string>> {
  const v = await packageVersions(envPath).catch(() => undefined);
  const out: Record<string, string> = {};
  for (const name of ['llamafactory', 'transformers', 'torch', 'peft']) {
    const version = v?.packages[name];
    if (version) out[name] = version;
  }
  return out;
}

async function runTool(ctx: StageRunContext, command: StageCommand, logFile: string): Promise<void> {
  try {
    await runStageCommand(ctx, command.argv, { cwd: command.cwd, env: command.env, logFile });
  } catch (err) {
    if (err instanceof StageCommandError) {
      const first = err.message.split('\n')[0];
      throw new StageCommandError(`${first}\n${tailOfFile(logFile, FAILURE_TAIL_LINES)}`, err.exitCode, err.signal, err.logFile);
    }
    throw err;
  }
}

/** A multi-node launch, when the executor (SLURM) put NNODES > 1 and the rendezvous into the stage's env. */
export function nodesFromEnv(env: Record<string, string>): { nodes?: NonNullable<TrainCommandOptions['nodes']> } {
  const nnodes = Number(env.NNODES ?? '1');
  if (!(nnodes > 1) || !env.MASTER_ADDR) return {};
  return {
    nodes: {
      nnodes,
      nodeRank: Number(env.NODE_RANK ?? '0'),
      masterAddr: env.MASTER_ADDR,
      ...(env.MASTER_PORT ? { masterPort: Number(env.MASTER_PORT) } : {}),
    },
  };
}

function withoutPath(env: Record<string, string>): Record<string, string> {
  const { PATH: _p, ...rest } = env;
  return rest;
}

/**
 * Follows trainer_log.jsonl while training runs (it may not exist yet), calling `onEntry` with each
 * new complete line. Polling keeps this independent of file-watch support on network filesystems.
 */
export function tailTrainerLog(file: string, onEntry: (entry: TrainerLogEntry) => void, intervalMs = 1000): { stop(): void } {
  // A resumed training appends to the old log: only what is new is progress.
  let offset = existsSync(file) ? statSync(file).size : 0;
  let pending = '';
  const poll = (): void => {
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      return;
    }
    if (size < offset) {
      offset = 0;
      pending = '';
    }
    if (size === offset) return;
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.alloc(size - offset);
      readSync(fd, buf, 0, buf.length, offset);
      offset = size;
      pending += buf.toString('utf8');
    } finally {
      closeSync(fd);
    }
    const cut = pending.lastIndexOf('\n');
    if (cut < 0) return;
    const complete = pending.slice(0, cut + 1);
    pending = pending.slice(cut + 1);
    for (const entry of parseTrainerLog(complete)) onEntry(entry);
  };
  const timer = setInterval(poll, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      poll();
    },
  };
}
