import { execa } from 'execa';

export interface LineRun {
  ok: boolean;
  /** Exit code or signal, for messages. */
  exit: string;
  /** The last lines the process printed. */
  tail: string[];
}

/**
 * Runs a program (argument array, never a shell), hands each line of its output to `onLine` as it
 * comes, and keeps the last `keep` lines for the error message. Never throws for a failing exit.
 */
export async function runLineByLine(
  file: string,
  args: string[],
  opts: { from: 'stderr' | 'all'; onLine?: (line: string) => void; keep?: number; env?: NodeJS.ProcessEnv; extendEnv?: boolean; signal?: AbortSignal; cwd?: string },
): Promise<LineRun> {
  const child = execa(file, args, {
    reject: false,
    buffer: false,
    all: opts.from === 'all',
    ...(opts.from === 'stderr' ? { stdout: 'ignore' as const } : {}),
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    ...(opts.extendEnv === false ? { extendEnv: false } : {}),
    ...(opts.signal ? { cancelSignal: opts.signal } : {}),
  });
  const keep = opts.keep ?? 30;
  const tail: string[] = [];
  try {
    for await (const line of child.iterable({ from: opts.from })) {
      tail.push(line);
      if (tail.length > keep) tail.shift();
      opts.onLine?.(line);
    }
  } catch {
    // A process that could not start or was cancelled: its result below says which.
  }
  const r = await child;
  return { ok: r.exitCode === 0 && !r.failed, exit: String(r.exitCode ?? r.signal ?? r.originalMessage ?? 'unknown'), tail };
}
