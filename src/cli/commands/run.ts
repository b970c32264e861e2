import { Option, type Command } from 'commander';
import path from 'node:path';
import { AblateError, EXIT, UsageError } from '../../errors.js';
import type { Plan, StageKind } from '../../plan/types.js';
import { parseGpuList, parseKind } from '../../exec/graph.js';
import type { ExecSummary } from '../../exec/types.js';
import { DEFAULT_GRACE_MS as GRACE_MS } from '../../exec/defaults.js';
import { abortOnSignals, loadRunners } from './run/runners.js';
import { registerStageExec } from './run/stageExec.js';
import { collectValues, trackOption } from './run/track.js';
import type { TrackingSession } from '../../track/session.js';

export { loadRunners } from './run/runners.js';

// The planner and the executors (listr2, execa, ...) load inside the actions, so other commands start fast.

interface RunFlags {
  until?: string;
  force?: string[];
  only?: string;
  gpus?: string;
  executor?: 'local' | 'slurm';
  detach?: boolean;
  dryRun?: boolean;
  results?: string;
  quiet?: boolean;
  json?: boolean;
  check?: boolean;
  runners?: string;
  pollMs?: number;
  track?: string[];
}

interface ParsedRun {
  spec: string;
  flags: RunFlags;
  until?: StageKind;
  force: StageKind[];
  gpus?: number[];
  /** Experiment tracking of this run (`track:` or --track), opened before any stage runs. */
  tracking?: TrackingSession;
}

const usage = <T>(f: () => T): T => {
  try {
    return f();
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
};

function parseFlags(spec: string, flags: RunFlags): ParsedRun {
  const until = flags.until ? usage(() => parseKind(flags.until!, '--until')) : undefined;
  const force = (flags.force ?? []).map((k) => usage(() => parseKind(k.trim(), '--force')));
  const gpus = flags.gpus !== undefined ? usage(() => parseGpuList(flags.gpus!)) : undefined;
  return { spec, flags, ...(until ? { until } : {}), force, ...(gpus ? { gpus } : {}) };
}

/** Step 1 of a real run: refuse before anything starts (artifacts, tools, GPUs), then install the Python tools once. */
async function prepare(plan: Plan, r: ParsedRun): Promise<void> {
  const { executeSettingsOf } = await import('../../exec/controller.js');
  const settings = executeSettingsOf(plan);
  const { preflightRun, pendingStages } = await import('./run/preflight.js');
  await preflightRun(plan, {
    spec: r.spec,
    executor: r.flags.executor ?? settings.executor ?? 'local',
    gpus: r.gpus ?? settings.gpus ?? [],
    ...(r.until ? { until: r.until } : {}),
    ...(r.force.length ? { force: r.force } : {}),
    ...(r.flags.only ? { only: r.flags.only } : {}),
  });
  const pending = pendingStages(plan, { ...(r.until ? { until: r.until } : {}), ...(r.force.length ? { force: r.force } : {}), ...(r.flags.only ? { only: r.flags.only } : {}) });
  const needsPython = pending.some((s) => s.kind === 'train' || (s.kind === 'eval' && ((s.inputs as { eval?: { tool?: string } }).eval?.tool ?? 'bigcode') !== 'bigcode'));
  if (needsPython) {
    // Install once, on the terminal, before any stage (or SLURM job) would each try to.
    const { ensureToolEnv } = await import('../../tools/pyenv.js');
    const { progressSink, heartbeatMs } = await import('../../tools/pipProgress.js');
    await ensureToolEnv({ onProgress: progressSink(process.stderr), heartbeatMs: heartbeatMs(process.stderr) });
  }
}

/** Step 2: execute the plan with the chosen executor and a progress view; Ctrl-C stops it cleanly. */
async function execute(plan: Plan, r: ParsedRun): Promise<ExecSummary> {
  const { flags, spec } = r;
  const { executePlan, executeSettingsOf } = await import('../../exec/controller.js');
  const { createProgressView, progressMode } = await import('../../exec/progress.js');
  const loaded = await loadRunners(flags.runners);
  const runners = r.tracking ? r.tracking.wrap(loaded) : loaded;
  const names = new Map(plan.runs.map((run) => [run.id, run.name]));
  const mode = progressMode({ ...(flags.json ? { json: true } : {}), ...(flags.quiet ? { quiet: true } : {}), isTTY: process.stderr.isTTY === true });
  const view = createProgressView(mode, mode === 'json' ? process.stdout : process.stderr, names);
  const ac = new AbortController();
  const slurm = (flags.executor ?? executeSettingsOf(plan).executor) === 'slurm';
  const detach = abortOnSignals(ac, (sig) => {
    if (mode === 'json') return;
    process.stderr.write(
      slurm
        ? `\n${sig}: stopped following the jobs; they keep running (\`ablate status ${spec}\` to follow, \`ablate cancel ${spec}\` to stop them)\n`
        : `\n${sig}: stopping (children get SIGTERM, then SIGKILL after ${GRACE_MS / 1000} s); nothing unfinished is marked done\n`,
    );
  });
  try {
    return await executePlan(plan, runners, {
      ...(r.until ? { until: r.until } : {}),
      ...(r.force.length ? { force: r.force } : {}),
      ...(flags.only ? { only: flags.only } : {}),
      ...(r.gpus ? { gpus: r.gpus } : {}),
      ...(flags.executor ? { executor: flags.executor } : {}),
      ...(flags.detach ? { detach: true } : {}),
      ...(flags.dryRun ? { dryRun: true } : {}),
      ...(flags.pollMs ? { pollMs: flags.pollMs } : {}),
      jobExtraArgs: [...(flags.runners ? ['--runners', path.resolve(flags.runners)] : []), ...(flags.track ?? []).flatMap((t) => ['--track', t])],
      signal: ac.signal,
      onEvent: (e) => {
        view.event(e);
        // Stage completion, from either executor: the tracker runs of the stage's runs catch up.
        r.tracking?.onEvent(e);
      },
      graceMs: GRACE_MS,
    });
  } catch (err) {
    // Ctrl-C while waiting (e.g. for another controller's SLURM submit lock): an interruption, not a failure.
    if (ac.signal.aborted) throw new AblateError(`interrupted (${(err as Error).message.split('\n')[0]})`, 130);
    if (err instanceof AblateError) throw err;
    throw new AblateError((err as Error).message, EXIT.failed);
  } finally {
    await view.close();
    detach();
  }
}

/** Step 3: the summary, the dry run's commands, or the finished experiment's lock and results table. */
async function report(plan: Plan, r: ParsedRun, summary: ExecSummary): Promise<void> {
  const { flags, spec } = r;
  const quietJson = flags.json === true;
  if (flags.dryRun) {
    const { renderDryRun } = await import('./run/dryRun.js');
    const { text, warnings } = await renderDryRun(plan);
    for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
    const { executeSettingsOf } = await import('../../exec/controller.js');
    const { pendingStages } = await import('./run/preflight.js');
    const { preflight, renderPreflight } = await import('../preflightBlock.js');
    const settings = executeSettingsOf(plan);
    const pre = await preflight(plan, {
      spec,
      executor: flags.executor ?? settings.executor ?? 'local',
      gpus: r.gpus ?? settings.gpus ?? [],
      stages: pendingStages(plan, { ...(r.until ? { until: r.until } : {}), ...(r.force.length ? { force: r.force } : {}), ...(flags.only ? { only: flags.only } : {}) }),
    });
    if (!quietJson) process.stdout.write(`Dry run: ${summary.ran} stage(s) would run, ${summary.cached} already done; nothing was started.${summary.failed ? `\n${summary.failed} stage(s) could not be prepared:` : ''}\n${summary.failures.map((f) => `  ${f.kind} ${f.id}: ${f.error.split('\n')[0]}\n`).join('')}${text}\n${renderPreflight(pre, spec)}`);
    return;
  }
  const { formatSummary } = await import('../../exec/progress.js');
  if (!quietJson) process.stdout.write(`${formatSummary(summary)}\n`);
  if (!flags.detach) {
    const { finishExperiment } = await import('../../results/finish.js');
    const finished = await finishExperiment(plan);
    for (const w of finished.warnings) process.stderr.write(`WARNING: ${w}\n`);
    await r.tracking?.finish({ lockFile: finished.lockFile, summary });
    if (!quietJson) {
      if (!r.until || r.until === 'eval') {
        const { loadResults } = await import('../../results/load.js');
        const { renderResults } = await import('../../results/table.js');
        process.stdout.write(`\n${renderResults(loadResults(spec, flags.results ? { results: flags.results } : {}), 'table')}`);
      }
      process.stdout.write(`lock: ${finished.lockFile}\n`);
    }
  }
  if (summary.executor === 'slurm' && flags.detach && !quietJson) {
    process.stdout.write(`Submitted ${summary.submitted} job(s); follow with \`ablate status ${spec}\`, stop with \`ablate cancel ${spec}\`.\n`);
  }
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run the stages of a spec (materialize → train → eval), skipping done ones, resuming interrupted ones')
    .argument('<spec>', 'experiment spec (YAML)')
    .option('--until <kind>', 'stop after this stage kind (materialize, train, eval)')
    .option('--force <kind>', 'redo the stages of this kind, and everything computed from them, even when done (repeatable)', (v: string, prev: string[] = []) => [...prev, ...v.split(',')])
    .option('--only <glob>', 'only the runs whose name matches this glob')
    .option('--gpus <list>', 'GPU ids to schedule onto, e.g. 0,1,2,3 (default: execute.gpus)')
    .addOption(new Option('--executor <name>', 'where stages run (default: execute.executor)').choices(['local', 'slurm']))
    .option('--detach', 'SLURM: submit the whole graph and return')
    .option('--dry-run', 'write tool configurations and show every exact command; run nothing, need no GPUs')
    .option('--results <dir>', 'results root (default: execute.results, else results/)')
    .option('--quiet', 'plain line-by-line progress')
    .option('--json', 'write the event log as NDJSON on stdout')
    .option('--check', 'before reusing a done stage, re-hash all its outputs (default: sizes, and a re-hash of files whose modification time changed)')
    .option('--track <tracker>', trackOption, collectValues)
    .addOption(new Option('--runners <module>', 'module with stage runners (tests)').hideHelp())
    .addOption(new Option('--poll-ms <ms>', 'first SLURM poll interval').argParser(Number).hideHelp())
    .action(async (spec: string, flags: RunFlags) => {
      const r = parseFlags(spec, flags);
      if (flags.check) (await import('../../exec/reuse.js')).setReuseCheckDepth('full');
      const { buildPlan } = await import('../../plan/build.js');
      const { toolRules } = await import('../../tools/rules.js');
      const plan = await buildPlan(spec, { rules: toolRules, ...(flags.results ? { resultsRoot: flags.results } : {}) });
      if (!flags.dryRun && !flags.runners) await prepare(plan, r);
      if (!flags.dryRun) {
        // Tracker runs are opened (or continued) before any stage runs; a dry run sends nothing.
        const { openTracking } = await import('./run/track.js');
        const tracking = await openTracking(plan, flags.track, flags.only);
        if (tracking) r.tracking = tracking;
      }
      const summary = await execute(plan, r);
      await report(plan, r, summary);
      if (summary.interrupted) throw new AblateError('interrupted', 130);
      if (summary.failed > 0) throw new AblateError(`${summary.failed} stage(s) failed`, EXIT.failed);
    });
  registerStageExec(program);
}
