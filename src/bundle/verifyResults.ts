/**
 * `ablate verify RESULTS_FOLDER`: every finished stage's outputs re-hashed against its completion
 * record, and each experiment lock's own hashes (dataSha256, idsSha256, records) checked against the
 * materialized datasets they describe. Reads only; any mismatch is named.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { checkCompletion } from '../exec/cache.js';
import { COMPLETION_RECORD } from '../plan/types.js';
import { fileSha256Sync } from '../util/fileHash.js';
import type { ExperimentLock } from './lock.js';

export interface ResultsVerifyReport {
  root: string;
  ok: boolean;
  stages: number;
  locks: number;
  problems: string[];
}

/** True for a folder that looks like a results root (stages/ or experiments/ inside, no bundle index). */
export function isResultsFolder(dir: string): boolean {
  return !existsSync(path.join(dir, 'bundle.json')) && (existsSync(path.join(dir, 'stages')) || existsSync(path.join(dir, 'experiments')));
}

const list = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).sort() : []);

export function verifyResultsFolder(root: string): ResultsVerifyReport {
  const problems: string[] = [];
  let stages = 0;
  for (const kind of list(path.join(root, 'stages'))) {
    for (const id of list(path.join(root, 'stages', kind))) {
      const dir = path.join(root, 'stages', kind, id);
      if (!existsSync(path.join(dir, COMPLETION_RECORD))) continue;
      stages++;
      const check = checkCompletion({ dir }, 'full');
      if (!check.ok && !check.absent) problems.push(`stages/${kind}/${id}/: ${check.problem}`);
    }
  }
  let locks = 0;
  for (const name of list(path.join(root, 'experiments'))) {
    const lockFile = path.join(root, 'experiments', name, 'ablate.lock.json');
    if (!existsSync(lockFile)) continue;
    locks++;
    let lock: ExperimentLock;
    try {
      lock = JSON.parse(readFileSync(lockFile, 'utf8')) as ExperimentLock;
    } catch (err) {
      problems.push(`experiments/${name}/ablate.lock.json is not valid JSON (${(err as Error).message})`);
      continue;
    }
    for (const [id, locked] of Object.entries(lock.datasets ?? {})) {
      const dir = path.join(root, 'stages', 'materialize', id);
      const where = `experiments/${name}/ablate.lock.json: dataset ${id}`;
      const manifestFile = path.join(dir, 'manifest.json');
      if (!existsSync(manifestFile)) {
        if (locked.idsSha256 || locked.dataSha256) problems.push(`${where}: the lock records its hashes but stages/materialize/${id}/manifest.json is missing`);
        continue;
      }
      let m: { idsSha256?: string; dataSha256?: string; records?: number };
      try {
        m = JSON.parse(readFileSync(manifestFile, 'utf8')) as typeof m;
      } catch {
        problems.push(`stages/materialize/${id}/manifest.json is not valid JSON`);
        continue;
      }
      if (locked.idsSha256 !== undefined && locked.idsSha256 !== m.idsSha256) problems.push(`${where}: idsSha256 ${locked.idsSha256} differs from the manifest's ${m.idsSha256 ?? 'none'}`);
      if (locked.dataSha256 !== undefined && locked.dataSha256 !== m.dataSha256) problems.push(`${where}: dataSha256 ${locked.dataSha256} differs from the manifest's ${m.dataSha256 ?? 'none'}`);
      if (locked.records !== undefined && locked.records !== m.records) problems.push(`${where}: records ${locked.records} differs from the manifest's ${m.records ?? 'none'}`);
      const data = path.join(dir, 'data.jsonl');
      if (locked.dataSha256 !== undefined && existsSync(data) && fileSha256Sync(data) !== locked.dataSha256) problems.push(`${where}: stages/materialize/${id}/data.jsonl does not hash to the lock's dataSha256`);
    }
  }
  return { root, ok: problems.length === 0 && stages + locks > 0, stages, locks, problems };
}

export function renderResultsVerify(r: ResultsVerifyReport): string {
  const lines = r.problems.map((p) => `DAMAGED ${p}`);
  if (r.stages + r.locks === 0) lines.push(`verification FAILED: ${r.root} holds no finished stage and no lock`);
  else lines.push(r.ok ? `verified: ${r.stages} finished stage(s) re-hashed and ${r.locks} lock(s) checked in ${r.root}: every hash matches` : `verification FAILED: ${r.problems.length} mismatch(es) in ${r.root}`);
  return `${lines.join('\n')}\n`;
}
