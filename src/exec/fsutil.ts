import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';

// The one atomic writer lives in util/atomicFile.ts; exec code imports it from here too.
export { isTempName, tempNameFor, writeFileAtomic, writeFileAtomicAsync } from '../util/atomicFile.js';

export function readJsonIfExists<T>(file: string): T | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/**
 * The line of a tool's output that says what went wrong: the last Python exception line
 * ("ValueError: Can't find a valid checkpoint at ...") or "error: ..." line, else the last line.
 */
export function lastErrorLine(text: string, opts: { orLastLine?: boolean } = {}): string | undefined {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const isError = (l: string): boolean => /^(?:[\w.]+\.)?[A-Z]\w*(?:Error|Exception|Interrupt|Exit)\b(?::|$)/.test(l) || /^(?:error|fatal)\b\s*[:!]/i.test(l);
  const line = [...lines].reverse().find(isError) ?? (opts.orLastLine === false ? undefined : lines.at(-1));
  return line && line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

/** The last `maxLines` lines of a text file ('' when it does not exist). Reads at most the last 64 KiB. */
export function tailOfFile(file: string, maxLines = 40): string {
  let buf: Buffer;
  try {
    const fd = openSync(file, 'r');
    try {
      const { size } = fstatSync(fd);
      const len = Math.min(size, 64 * 1024);
      buf = Buffer.alloc(len);
      readAt(fd, buf, size - len);
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
  const lines = buf.toString('utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.slice(-maxLines).join('\n');
}

function readAt(fd: number, buf: Buffer, position: number): void {
  let off = 0;
  while (off < buf.length) {
    const n = readSync(fd, buf, off, buf.length - off, position + off);
    if (n === 0) break;
    off += n;
  }
}
