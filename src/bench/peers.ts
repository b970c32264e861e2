/**
 * The peer tools `npm run bench` runs in the same session: numpy from the managed Python
 * environment, Python hnswlib and polars from the bench-only virtual environment that .ci/run
 * installs (scripts/bench/requirements.txt). Without them a row says so instead of a ratio.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const benchScripts = fileURLToPath(new URL('../../scripts/bench/', import.meta.url));

/** The bench venv's python: ABLATE_BENCH_PYTHON, else <repo>/.bench-venv. */
export function benchPython(): string | undefined {
  const p = process.env['ABLATE_BENCH_PYTHON'] ?? path.join(benchScripts, '..', '..', '.bench-venv', 'bin', 'python');
  return existsSync(p) ? p : undefined;
}

/** The managed environment's python (numpy), when installed. */
export async function managedPython(): Promise<string | undefined> {
  const { toolEnvStatus, pythonBin } = await import('../tools/pyenv.js');
  const s = await toolEnvStatus();
  return s.present ? pythonBin(s.path) : undefined;
}

/** Runs a peer script; its stdout is one JSON object. */
export async function runPeer<T>(python: string, script: string, args: string[]): Promise<T> {
  const r = await execa(python, [path.join(benchScripts, script), ...args], { reject: false });
  if (r.exitCode !== 0) throw new Error(`bench peer ${script} failed (exit ${r.exitCode}): ${String(r.stderr).slice(-2000)}`);
  return JSON.parse(String(r.stdout)) as T;
}

/** A row-major float32 matrix as a .npy file. */
export async function writeNpy(file: string, data: Float32Array, rows: number, cols: number): Promise<void> {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const pre = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(pre);
  pre.writeUInt16LE(header.length, 8);
  await writeFile(file, Buffer.concat([pre, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

export const ratio = (ours: number, peer: number): number => Math.round((ours / peer) * 100) / 100;
