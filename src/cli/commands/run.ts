import { Option, type Command } from 'commander';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { AblateError, EXIT, UsageError } from '../../errors.js';
import type { Plan, Stage, StageKind } from '../../plan/types.js';
import { parseGpuList, parseKind } from '../../exec/graph.js';
import type { StageRunners } from '../../exec/types.js';

import { DEFAULT_GRACE_MS as GRACE_MS } from '../../exec/defaults.js';

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
  runners?: string;
  pollMs?: number;
}

/** Whether a pending stage of the run needs the managed Python tools (training, most evaluators). */
function needsPythonTools(plan: Plan, until: StageKind | undefined, isStageDone: (s: Stage) => boolean): boolean {
  if (until === 'materialize') return false;
  for (const s of plan.stages.values()) {
    if (s.kind === 'materialize' || isStageDone(s)) continue;
    if (s.kind === 'train') return true;
    const tool = (s.inputs as { eval?: { tool?: string } }).eval?.tool ?? 'bigcode';
    if (until !== 'train' && tool !== 'bigcode') return true;
  }
  return false;
}

/** The exact commands a dry run wrote configurations for, stage by stage (argument arrays, never shell strings). */
async function renderDryRun(plan: Plan): Promise<string> {
  const { attachCommands } = await import('../../tools/commands.js');
  await attachCommands(plan);
  const lines = ['', 'Commands (not run):'];
  for (const s of plan.stages.values()) {
    if (!s.command) {
      lines.push(`${s.kind} ${s.id}: in-process (${s.dir})`);
      continue;
    }
    lines.push(`${s.kind} ${s.id}${s.task ? ` [${s.task}]` : ''}: cwd ${s.command.cwd}`);
    lines.push(`  argv ${JSON.stringify(s.command.argv)}`);
    const env = Object.entries(s.command.env).map(([k, v]) => `${k}=${v}`).join(' ');
    if (env) lines.push(`  env  ${env}`);
  }
  return `${lines.join('\n')}\n`;
}

const usage = <T>(f: () => T): T => {
  try {
    return f();
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
};

/**
 * Stage implementations: the real ones, or (hidden `--runners MODULE`, for tests and custom setups)
 * a module whose default export or `runners` export maps kinds to runners.
 */
export async function loadRunners(modulePath?: string): Promise<StageRunners> {
  if (!modulePath) return (await import('../../exec/runners.js')).defaultRunners();
  const mod = (await import(pathToFileURL(path.resolve(modulePath)).href)) as { default?: StageRunners; runners?: StageRunners };
  const r = mod.runners ?? mod.default;
  if (!r) throw new UsageError(`--runners ${modulePath}: the module exports no runners`);
  return r;
}

/** SIGINT/SIGTERM abort the controller once; the handlers go away with the returned function. */
function abortOnSignals(ac: AbortController, onFirst?: (sig: string) => void): () => void {
  const handler = (sig: NodeJS.Signals): void => {
    if (!ac.signal.aborted) {
      onFirst?.(sig);
      ac.abort(new Error(`received ${sig}`));
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
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
    .option('--dry-run', 'write tool configurations and show what would run; run nothing')
    .option('--results <dir>', 'results root (default: execute.results, else results/)')
    .option('--quiet', 'plain line-by-line progress')
    .option('--json', 'write the event log as NDJSON on stdout')
    .addOption(new Option('--runners <module>', 'module with stage runners (tests)').hideHelp())
    .addOption(new Option('--poll-ms <ms>', 'first SLURM poll interval').argParser(Number).hideHelp())
    .action(async (spec: string, flags: RunFlags) => {
      const until = flags.until ? usage(() => parseKind(flags.until!, '--until')) : undefined;
      const force = (flags.force ?? []).map((k) => usage(() => parseKind(k.trim(), '--force')));
      const gpus = flags.gpus !== undefined ? usage(() => parseGpuList(flags.gpus!)) : undefined;
      const { buildPlan, isStageDone } = await import('../../plan/build.js');
      const { executePlan, executeSettingsOf } = await import('../../exec/controller.js');
      const { createProgressView, formatSummary, progressMode } = await import('../../exec/progress.js');
      const plan = await buildPlan(spec, flags.results ? { resultsRoot: flags.results } : {});
      const runners = await loadRunners(flags.runners);
      if (!flags.dryRun && !flags.runners && (!until || until === 'eval')) {
        const { preflightEvalTools } = await import('../../tools/eval.js');
        const missing = await preflightEvalTools(plan);
        if (missing.length) {
          throw new AblateError(`evaluation tools are missing (nothing was run):\n  ${missing.join('\n  ')}\nInstall them, or run up to training with --until train.`, EXIT.usage);
        }
      }
      if (!flags.dryRun && !flags.runners && needsPythonTools(plan, until, isStageDone)) {
        // Install once, on the terminal, before any stage (or SLURM job) would each try to.
        const { ensureToolEnv } = await import('../../tools/pyenv.js');
        await ensureToolEnv({ onProgress: (line) => process.stderr.write(`${line}\n`) });
      }
      const names = new Map(plan.runs.map((r) => [r.id, r.name]));
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
      let summary;
      try {
        summary = await executePlan(plan, runners, {
          ...(until ? { until } : {}),
          ...(force.length ? { force: force as StageKind[] } : {}),
          ...(flags.only ? { only: flags.only } : {}),
          ...(gpus ? { gpus } : {}),
          ...(flags.executor ? { executor: flags.executor } : {}),
          ...(flags.detach ? { detach: true } : {}),
          ...(flags.dryRun ? { dryRun: true } : {}),
          ...(flags.pollMs ? { pollMs: flags.pollMs } : {}),
          ...(flags.runners ? { jobExtraArgs: ['--runners', path.resolve(flags.runners)] } : {}),
          signal: ac.signal,
          onEvent: (e) => view.event(e),
          graceMs: GRACE_MS,
        });
      } catch (err) {
        await view.close();
        // Ctrl-C while waiting (e.g. for another controller's SLURM submit lock): an interruption, not a failure.
        if (ac.signal.aborted) throw new AblateError(`interrupted (${(err as Error).message.split('\n')[0]})`, 130);
        if (err instanceof AblateError) throw err;
        throw new AblateError((err as Error).message, EXIT.failed);
      } finally {
        detach();
      }
      await view.close();
      if (mode !== 'json') process.stdout.write(`${formatSummary(summary)}\n`);
      if (flags.dryRun && mode !== 'json') process.stdout.write(await renderDryRun(plan));
      if (!flags.dryRun && !flags.detach) {
        const { finishExperiment } = await import('../../results/finish.js');
        const finished = await finishExperiment(plan);
        for (const w of finished.warnings) process.stderr.write(`WARNING: ${w}\n`);
        if (mode !== 'json') {
          if (!until || until === 'eval') {
            const { loadResults } = await import('../../results/load.js');
            const { renderResults } = await import('../../results/table.js');
            process.stdout.write(`\n${renderResults(loadResults(spec, flags.results ? { results: flags.results } : {}), 'table')}`);
          }
          process.stdout.write(`lock: ${finished.lockFile}\n`);
        }
      }
      if (summary.executor === 'slurm' && flags.detach && mode !== 'json') {
        process.stdout.write(`Submitted ${summary.submitted} job(s); follow with \`ablate status ${spec}\`, stop with \`ablate cancel ${spec}\`.\n`);
      }
      if (summary.interrupted) throw new AblateError('interrupted', 130);
      if (summary.failed > 0) throw new AblateError(`${summary.failed} stage(s) failed`, EXIT.failed);
    });

  program
    .command('stage-exec', { hidden: true })
    .description('Run exactly one stage of a spec in this process and write its completion record (what SLURM jobs run).')
    .requiredOption('--spec <file>', 'experiment spec')
    .requiredOption('--stage <id>', 'stage id')
    .option('--results <dir>', 'results root')
    .option('--force', 'redo the stage even when done')
    .option('--runners <module>', 'module with stage runners (tests)')
    .action(async (flags: { spec: string; stage: string; results?: string; force?: boolean; runners?: string }) => {
      const { buildPlan } = await import('../../plan/build.js');
      const plan = await buildPlan(flags.spec, flags.results ? { resultsRoot: flags.results } : {});
      const stage = plan.stages.get(flags.stage);
      if (!stage) throw new UsageError(`stage ${flags.stage} is not in the plan of ${flags.spec} (results root ${plan.resultsRoot}); did the spec change after submission?`);
      const runners = await loadRunners(flags.runners);
      const { runJobStage } = await import('../../exec/jobStage.js');
      const ac = new AbortController();
      const detach = abortOnSignals(ac);
      // SLURM's USR1 (--signal=B:USR1@120): the time limit is near, or the job is preempted.
      let preempted = false;
      const onUsr1 = (): void => {
        preempted = true;
        ac.abort(new Error('received USR1 (time limit near or preempted): stopping to requeue'));
      };
      process.on('SIGUSR1', onUsr1);
      try {
        const out = await runJobStage({
          plan,
          stage,
          runner: runners[stage.kind],
          signal: ac.signal,
          preempted: () => preempted,
          ...(flags.force ? { force: true } : {}),
          onWaiting: (h) => process.stderr.write(`waiting: stage ${stage.id} is locked by pid ${h.pid} on ${h.host} (${h.what})\n`),
        });
        if (out.status === 'rank-done') {
          process.stdout.write(`${stage.kind} ${stage.id}: rank ${out.rank} done\n`);
          return;
        }
        if (out.status === 'failed') throw new AblateError(`${stage.kind} ${stage.id} ${out.interrupted ? 'interrupted' : 'failed'}: ${out.error}\nlog: ${out.log}`, EXIT.failed);
        process.stdout.write(`${stage.kind} ${stage.id}: ${out.status === 'done' ? `done in ${out.durationMs} ms` : out.status}\n`);
      } finally {
        process.off('SIGUSR1', onUsr1);
        detach();
      }
    });
}
