import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// ABLATE_SHARED_DATA: for a checkout that does not have ../shared beside it (a git worktree).
export const sharedData = process.env.ABLATE_SHARED_DATA ?? path.resolve(repoRoot, '../shared/data');
export const ablateBin = path.join(repoRoot, 'bin', 'ablate.js');

/** Runs the built CLI (dist/) the way a user does; never throws on a non-zero exit. */
export async function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}) {
  const r = await execa(process.execPath, [ablateBin, ...args], { cwd: opts.cwd ?? repoRoot, env: opts.env, reject: false, all: false });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}
