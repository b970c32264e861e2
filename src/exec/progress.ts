import type { Writable } from 'node:stream';
import { Listr, ListrLogger, ProcessOutput } from 'listr2';
import type { StageKind } from '../plan/types.js';
import type { ExecEvent, ExecSummary } from './types.js';

export type ProgressMode = 'tty' | 'plain' | 'json' | 'silent';

export interface ProgressView {
  event(e: ExecEvent): void;
  /** Stops the live view (the summary is printed separately). */
  close(): Promise<void>;
}

/** Picks the view: NDJSON with --json; plain lines without a TTY or with --quiet; listr2 otherwise. */
export function progressMode(o: { json?: boolean; quiet?: boolean; isTTY?: boolean }): ProgressMode {
  if (o.json) return 'json';
  if (o.quiet || !o.isTTY || process.env['CI']) return 'plain';
  return 'tty';
}

export function createProgressView(mode: ProgressMode, out: Writable, names: Map<string, string> = new Map()): ProgressView {
  switch (mode) {
    case 'json':
      return { event: (e) => void out.write(`${JSON.stringify(e)}\n`), close: async () => {} };
    case 'plain':
      return plainView(out, names);
    case 'tty':
      return ttyView(out, names);
    case 'silent':
      return { event: () => {}, close: async () => {} };
  }
}

const short = (id: string): string => id.slice(0, 10);

function runsLabel(runs: string[], names: Map<string, string>): string {
  const first = runs[0] ? (names.get(runs[0]) ?? runs[0]) : '';
  return runs.length > 1 ? `${first} +${runs.length - 1}` : first;
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h ? `${h}h${String(m).padStart(2, '0')}m` : m ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}

interface Running {
  kind: StageKind;
  label: string;
  started: number;
  percent?: number;
  loss?: number;
  remaining?: string;
  message?: string;
}

function runningLine(id: string, r: Running): string {
  const parts = [`${r.kind.padEnd(11)} ${short(id)}  ${r.label}`];
  if (r.percent !== undefined) parts.push(`${r.percent.toFixed(0)}%`);
  if (r.loss !== undefined) parts.push(`loss ${r.loss.toFixed(4)}`);
  parts.push(formatDuration(Date.now() - r.started));
  if (r.remaining) parts.push(`${r.remaining} left`);
  if (r.message) parts.push(r.message);
  return parts.join('  ');
}

function plainView(out: Writable, names: Map<string, string>): ProgressView {
  const lastLine = new Map<string, number>();
  const line = (text: string): void => void out.write(`${new Date().toISOString().slice(11, 19)} ${text}\n`);
  return {
    event(e) {
      switch (e.type) {
        case 'plan':
          line(`${e.runs} run(s), ${e.stages} stage(s): ${e.cached} cached, ${e.toRun} to run (${e.executor})`);
          break;
        case 'stage-start':
          line(`start   ${e.kind} ${short(e.id)} [${runsLabel(e.runs, names)}]${e.gpus.length ? ` gpus ${e.gpus.join(',')}` : ''}`);
          break;
        case 'stage-waiting':
          line(`waiting ${e.kind} ${short(e.id)}: locked by ${e.holder}`);
          break;
        case 'waiting':
          line(`waiting for ${e.lock}: locked by ${e.holder}`);
          break;
        case 'progress': {
          // Plain output goes to logs and CI: one progress line per stage every 30 s at most.
          const t = Date.now();
          if (t - (lastLine.get(e.id) ?? 0) < 30_000) break;
          lastLine.set(e.id, t);
          line(`        ${runningLine(e.id, { kind: e.kind, label: '', started: t - e.elapsedMs, ...pickProgress(e) })}`);
          break;
        }
        case 'stage-done':
          if (!e.cached) line(`done    ${e.kind} ${short(e.id)} in ${formatDuration(e.durationMs)}`);
          break;
        case 'stage-failed':
          line(`${e.interrupted ? 'stopped' : 'FAILED '} ${e.kind} ${short(e.id)}: ${e.error.split('\n')[0]}${e.log ? ` (log: ${e.log})` : ''}`);
          break;
        case 'stage-skipped':
          line(`skipped ${e.kind} ${short(e.id)}: ${e.reason}`);
          break;
        case 'stage-invalid':
          line(`INVALID ${e.kind} ${short(e.id)}: ${e.reason}; running it again`);
          break;
        case 'stage-submitted':
          line(`${e.reused ? 'queued ' : 'submit '} ${e.kind} ${short(e.id)} job ${e.jobId}`);
          break;
        case 'summary':
          break;
      }
    },
    close: async () => {},
  };
}

function pickProgress(e: { percent?: number; loss?: number; remaining?: string; message?: string }): Partial<Running> {
  const p: Partial<Running> = {};
  if (e.percent !== undefined) p.percent = e.percent;
  if (e.loss !== undefined) p.loss = e.loss;
  if (e.remaining !== undefined) p.remaining = e.remaining;
  if (e.message !== undefined) p.message = e.message;
  return p;
}

/** listr2: a headline with counts and, under it, one line per running stage. */
function ttyView(out: Writable, names: Map<string, string>): ProgressView {
  const running = new Map<string, Running>();
  const counts = { total: 0, done: 0, failed: 0, skipped: 0 };
  const notes: string[] = [];
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  let task: { title: string; output: string } | undefined;
  const render = (): void => {
    if (!task) return;
    task.title = `${counts.done}/${counts.total} stages done, ${running.size} running${counts.failed ? `, ${counts.failed} failed` : ''}${counts.skipped ? `, ${counts.skipped} skipped` : ''}`;
    task.output = [...notes.slice(-3), ...[...running].map(([id, r]) => runningLine(id, r))].join('\n') || ' ';
  };
  const listr = new Listr(
    [
      {
        title: 'ablate',
        task: async (_ctx, t) => {
          task = t;
          render();
          const tick = setInterval(render, 1000);
          await finished;
          clearInterval(tick);
          render();
        },
        rendererOptions: { outputBar: 1, persistentOutput: false },
      },
    ],
    {
      renderer: 'default',
      // The live view goes to `out` (stderr), keeping stdout for the summary.
      rendererOptions: { logger: new ListrLogger({ processOutput: new ProcessOutput(out as NodeJS.WriteStream, out as NodeJS.WriteStream) }) },
      exitOnError: false,
      registerSignalListeners: false,
    },
  );
  const done = listr.run().catch(() => undefined);
  return {
    event(e) {
      switch (e.type) {
        case 'plan':
          counts.total = e.stages;
          break;
        case 'stage-start':
          running.set(e.id, { kind: e.kind, label: runsLabel(e.runs, names), started: Date.now() });
          break;
        case 'progress': {
          const r = running.get(e.id);
          if (r) Object.assign(r, pickProgress(e));
          break;
        }
        case 'stage-done':
          running.delete(e.id);
          counts.done++;
          break;
        case 'stage-failed':
          running.delete(e.id);
          if (!e.interrupted) counts.failed++;
          notes.push(`${e.interrupted ? 'stopped' : 'FAILED'} ${e.kind} ${short(e.id)}: ${e.error.split('\n')[0]}`);
          break;
        case 'stage-skipped':
          counts.skipped++;
          break;
        case 'stage-invalid':
          notes.push(`INVALID ${e.kind} ${short(e.id)}: ${e.reason}; running it again`);
          break;
        case 'stage-waiting':
          notes.push(`waiting for ${e.kind} ${short(e.id)}: locked by ${e.holder}`);
          break;
        case 'waiting':
          notes.push(`waiting for ${e.lock}: locked by ${e.holder}`);
          break;
        default:
          break;
      }
      render();
    },
    async close() {
      finish();
      await done;
    },
  };
}

/** The final summary as text (stdout of `ablate run`). */
export function formatSummary(s: ExecSummary): string {
  const lines: string[] = [];
  const byState = new Map<string, number>();
  for (const r of s.runs) byState.set(r.state, (byState.get(r.state) ?? 0) + 1);
  lines.push(
    `${s.interrupted ? 'Interrupted' : 'Finished'} in ${formatDuration(s.durationMs)}: ${s.ran} stage(s) ran, ${s.cached} cached, ${s.failed} failed, ${s.skipped} skipped${s.submitted ? `, ${s.submitted} submitted` : ''}.`,
  );
  lines.push(`Runs: ${[...byState].map(([k, v]) => `${v} ${k}`).join(', ') || 'none selected'}.`);
  for (const f of s.failures) lines.push(`  failed ${f.kind} ${f.id}: ${f.error.split('\n')[0]}${f.log ? `\n    log: ${f.log}` : ''}`);
  if (s.interrupted) lines.push('Nothing interrupted was marked done; `ablate run` again resumes.');
  return lines.join('\n');
}
