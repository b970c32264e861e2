/**
 * Progress of the Python tools install, which is silent for minutes in pip's own output: the
 * step, the package being downloaded with its size, the bytes downloaded so far (pip's temporary
 * download folder, measured), and during pip's install step how far the environment has grown.
 * Lines go to one sink; `transient` ones are heartbeats, which a terminal overwrites in place.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { formatBytes } from '../util/bytes.js';

export type ProgressSink = (line: string, opts?: { transient?: boolean }) => void;

/** pip's "Downloading torch-2.11.0-...whl (530.6 MB)" → name and bytes. */
export function parseDownloading(line: string): { file: string; bytes?: number } | undefined {
  const m = /^\s*Downloading\s+(\S+)(?:\s+\(([\d.]+)\s*(kB|MB|GB|B)\))?/.exec(line);
  if (!m) return undefined;
  const unit = { B: 1, kB: 1e3, MB: 1e6, GB: 1e9 }[m[3] as 'B' | 'kB' | 'MB' | 'GB'];
  return { file: path.basename(m[1]!), ...(m[2] ? { bytes: Math.round(Number(m[2]) * unit) } : {}) };
}

/** Bytes of the files under a folder (0 when it is gone); never throws. */
export async function folderSize(dir: string): Promise<number> {
  let total = 0;
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  for (const e of entries) {
    if (!e.isFile()) continue;
    const s = await stat(path.join(e.parentPath, e.name)).catch(() => undefined);
    total += s?.size ?? 0;
  }
  return total;
}

const elapsed = (ms: number): string => {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
};

export interface PipWatch {
  /** Feed every line pip prints. */
  line(text: string): void;
  /** Start a numbered step. */
  step(n: number, of: number, what: string): void;
  stop(): void;
  /** The sink itself, for lines shown as they are. */
  say: ProgressSink;
}

/**
 * Watches a pip install: `downloads` is pip's TMPDIR (downloads land there), `env` the environment
 * folder (it grows while pip installs). A heartbeat every `everyMs`.
 */
export function watchPip(say: ProgressSink, dirs: { downloads: string; env: string }, everyMs = 15_000): PipWatch {
  const started = Date.now();
  let label = '';
  let stepStarted = started;
  let collected = 0;
  let announced = 0;
  let current: { file: string; bytes?: number } | undefined;
  let installing: number | undefined;
  let measuring = false;
  const beat = async (): Promise<void> => {
    if (measuring || !label) return;
    measuring = true;
    try {
      let what: string;
      if (installing !== undefined) {
        what = `installing ${installing} packages: environment at ${formatBytes(await folderSize(dirs.env))}`;
      } else if (current) {
        what = `downloading ${current.file}${current.bytes ? ` (${formatBytes(current.bytes)})` : ''}; ${collected} packages resolved, ${formatBytes(announced)} announced, ${formatBytes(await folderSize(dirs.downloads))} in pip's download folder`;
      } else what = `${collected} packages resolved`;
      say(`  ${label}: ${what} (${elapsed(Date.now() - stepStarted)} in this step, ${elapsed(Date.now() - started)} in all)`, { transient: true });
    } finally {
      measuring = false;
    }
  };
  const timer = setInterval(() => void beat(), everyMs);
  timer.unref();
  return {
    say,
    step(n, of, what) {
      label = `[${n}/${of}] ${what}`;
      stepStarted = Date.now();
      say(label);
    },
    line(text) {
      if (/^\s*Collecting /.test(text)) collected++;
      const d = parseDownloading(text);
      if (d) {
        current = d;
        announced += d.bytes ?? 0;
      }
      const inst = /^\s*Installing collected packages: (.*)$/.exec(text);
      if (inst) {
        installing = inst[1]!.split(',').length;
        say(`  installing ${installing} packages (pip prints nothing until it is done)`);
      }
    },
    stop() {
      clearInterval(timer);
    },
  };
}

/**
 * A sink for a terminal or a plain log: on a terminal, transient lines overwrite each other on one
 * line; in a log every line is kept (the heartbeat interval keeps them few).
 */
export function progressSink(stream: NodeJS.WriteStream): ProgressSink {
  let open = false;
  return (line, opts) => {
    if (!stream.isTTY) {
      stream.write(`${line}\n`);
      return;
    }
    const cols = stream.columns || 120;
    if (opts?.transient) {
      stream.write(`\r\x1b[K${line.length > cols - 1 ? `${line.slice(0, cols - 2)}…` : line}`);
      open = true;
      return;
    }
    if (open) stream.write('\r\x1b[K');
    open = false;
    stream.write(`${line}\n`);
  };
}

/** Heartbeats: every 2 s on a terminal (overwritten in place), every 15 s in a plain log. */
export function heartbeatMs(stream: NodeJS.WriteStream): number {
  return stream.isTTY ? 2000 : 15_000;
}
