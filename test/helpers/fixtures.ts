import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { repoRoot, sharedData } from './cli.js';

/**
 * The real public data sets (../shared/data beside the repository). Only e2e-tier tests read them:
 * `npm test` must pass on a clone of the project alone. Without the folder such a test skips and
 * says why; with CI set that is an error, since CI runs the e2e tier with ../shared present.
 * ABLATE_SHARED_DATA points elsewhere (a git worktree has no ../shared beside it).
 */
export const realDataDir = sharedData;

export function realDataFor(what: string): string | undefined {
  if (existsSync(realDataDir)) return realDataDir;
  const reason = `${realDataDir} is missing (the public data sets beside the repository)`;
  if (process.env.CI) throw new Error(`CI is set but ${what} cannot run: ${reason}`);
  console.warn(`skipping ${what}: ${reason}`);
  return undefined;
}

/**
 * A HumanEval-format problem file (.jsonl.gz) written from the project's own hand-written problems
 * (experiments/data/quickstart-problems.jsonl), numbered HumanEval/0.. as the benchmark's are, so
 * the harness stand-in and the scorers see the real file layout without the public data.
 */
export function writeHumanEvalFixture(dir: string): string {
  const lines = readFileSync(path.join(repoRoot, 'experiments/data/quickstart-problems.jsonl'), 'utf8').split('\n').filter((l) => l.trim());
  const text = lines.map((l, i) => JSON.stringify({ ...(JSON.parse(l) as object), task_id: `HumanEval/${i}` })).join('\n');
  const file = path.join(dir, 'HumanEval.jsonl.gz');
  writeFileSync(file, gzipSync(`${text}\n`));
  return file;
}
