import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Plan } from '../plan/types.js';
import type { Datacard, DatacardOverlap } from './datacard.js';
import { renderDatacardMarkdown, round } from './datacard.js';
import { writeFileAtomicAsync as writeFileAtomic } from '../exec/fsutil.js';
import { hashId } from '../util/hash.js';

/** Jaccard at or above this marks two arms as near-identical. */
export const NEAR_IDENTICAL = 0.9;

/** One arm's membership: a label (run name or stage id) and its record ids (as in manifest.json). */
export interface ArmIds {
  name: string;
  ids: readonly string[];
  /**
   * Arms with the same non-empty `sameByDesign` key are repeats of one data config that differ only
   * in the seed: when they come out identical or near-identical (a seed that cannot change much, as
   * in a 100:0 mix or a size close to the pool), that is flagged, but without a warning.
   */
  sameByDesign?: string;
}

export interface OverlapPair {
  a: string;
  b: string;
  sizeA: number;
  sizeB: number;
  shared: number;
  jaccard: number;
  flag?: 'identical' | 'near-identical';
  /** Identical by construction (seed-independent data materialized for several repeats). */
  expected?: boolean;
}

export interface OverlapReport {
  pairs: OverlapPair[];
  /** Loud, human-readable warnings for identical and near-identical pairs. */
  warnings: string[];
}

/**
 * Pairwise Jaccard overlap of the record-id sets of all arms. Identical sets (1.0) and
 * near-identical ones (≥ 0.9) are flagged: study B's released "medium" tertile was a byte copy of
 * another arm, so an arm that should differ but does not is a defect to stop on, not a detail.
 */
export function overlapReport(arms: readonly ArmIds[]): OverlapReport {
  const sets = arms.map((a) => new Set(a.ids));
  const pairs: OverlapPair[] = [];
  const warnings: string[] = [];
  for (let i = 0; i < arms.length; i++) {
    for (let j = i + 1; j < arms.length; j++) {
      const [small, large] = sets[i]!.size <= sets[j]!.size ? [sets[i]!, sets[j]!] : [sets[j]!, sets[i]!];
      let shared = 0;
      for (const id of small) if (large.has(id)) shared++;
      const union = sets[i]!.size + sets[j]!.size - shared;
      const jaccard = union === 0 ? 1 : shared / union;
      const pair: OverlapPair = { a: arms[i]!.name, b: arms[j]!.name, sizeA: sets[i]!.size, sizeB: sets[j]!.size, shared, jaccard: round(jaccard, 6) };
      const byDesign = arms[i]!.sameByDesign !== undefined && arms[i]!.sameByDesign === arms[j]!.sameByDesign;
      if (jaccard >= NEAR_IDENTICAL && byDesign) {
        pair.flag = jaccard === 1 ? 'identical' : 'near-identical';
        pair.expected = true;
      } else if (jaccard === 1) {
        pair.flag = 'identical';
        warnings.push(
          `IDENTICAL DATA: arms "${pair.a}" and "${pair.b}" train on exactly the same ${shared} records; ` +
            'if they are meant to differ (e.g. two complexity or diversity levels), the filter did not separate them.',
        );
      } else if (jaccard >= NEAR_IDENTICAL) {
        pair.flag = 'near-identical';
        warnings.push(
          `NEAR-IDENTICAL DATA: arms "${pair.a}" and "${pair.b}" share ${shared} records (Jaccard ${jaccard.toFixed(3)}); ` +
            'differences in their results will mostly be noise.',
        );
      }
      pairs.push(pair);
    }
  }
  return { pairs, warnings };
}

/** Reads the record ids of a materialized dataset from its manifest.json. */
export async function readArmIds(name: string, stageDir: string): Promise<ArmIds> {
  const manifest = JSON.parse(await readFile(path.join(stageDir, 'manifest.json'), 'utf8')) as { ids: string[] };
  return { name, ids: manifest.ids };
}

/** The overlap rows of one arm, for its data card. */
export function overlapFor(report: OverlapReport, name: string): DatacardOverlap[] {
  const rows: DatacardOverlap[] = [];
  for (const p of report.pairs) {
    if (p.a !== name && p.b !== name) continue;
    const row: DatacardOverlap = { other: p.a === name ? p.b : p.a, jaccard: p.jaccard, shared: p.shared };
    if (p.flag) row.flag = p.flag;
    rows.push(row);
  }
  return rows;
}

/** The experiment's overlap file (<results>/experiments/<name>/overlap.json). */
export const OVERLAP_FILE = 'overlap.json';

/** One arm's part of the overlap file: what its data card gains in this experiment. */
export interface ArmOverlap {
  label: string;
  overlap: DatacardOverlap[];
  warnings: string[];
}

export interface OverlapFile extends OverlapReport {
  /** Materialize stage id → its overlap with the other arms of this experiment. */
  arms: Record<string, ArmOverlap>;
}

/**
 * The overlap of each arm with the others. It belongs to the experiment, not to the dataset (a
 * dataset shared by two experiments overlaps different arms in each), so it is kept beside the
 * lock instead of rewriting data cards that their stage's completion record has already hashed.
 * `arms` maps the arm label used in the report to its materialize stage id.
 */
export function overlapFile(report: OverlapReport, arms: Record<string, string>): OverlapFile {
  const out: OverlapFile = { ...report, arms: {} };
  for (const [label, stageId] of Object.entries(arms)) {
    out.arms[stageId] = { label, overlap: overlapFor(report, label), warnings: report.warnings.filter((w) => w.includes(`"${label}"`)) };
  }
  return out;
}

/** A data card with its arm's overlap section and warnings in this experiment. */
export function withOverlap(card: Datacard, arm: ArmOverlap | undefined): Datacard {
  if (!arm) return card;
  return { ...card, overlap: arm.overlap, warnings: [...card.warnings.filter((w) => !/^(NEAR-)?IDENTICAL DATA/.test(w)), ...arm.warnings] };
}

/** The data card as Markdown, with the overlap of this experiment. */
export function renderCardWithOverlap(card: Datacard, arm: ArmOverlap | undefined): string {
  return `${renderDatacardMarkdown(withOverlap(card, arm))}\n`;
}

/**
 * The data config of a materialize stage without its seed: stages with the same key are repeats of
 * one arm. Undefined when the inputs do not look like MaterializeInputs.
 */
export function sameDataConfig(inputs: Record<string, unknown> | undefined): string | undefined {
  if (!inputs || typeof inputs.data !== 'object' || inputs.data === null) return undefined;
  const { seed: _seed, ...rest } = inputs;
  return hashId('materialize-arm', rest);
}

/**
 * Overlap of every materialized dataset of a plan: each materialize stage with a manifest is one
 * arm, labelled by the names of the runs that use it. Writes the experiment's overlap.json (what
 * each data card gains in this experiment) and returns the report (its `warnings` are for the terminal). Repeats of a data config whose
 * subset does not depend on the seed share one stage (the seed is not in its id), so they are one arm
 * here; repeats of a seeded config are separate arms, and their overlap is expected, not warned about.
 */
export async function overlapForPlan(plan: Plan): Promise<OverlapReport> {
  const runName = new Map(plan.runs.map((r) => [r.id, r.name]));
  const arms: ArmIds[] = [];
  const ids: Record<string, string> = {};
  for (const stage of plan.stages.values()) {
    if (stage.kind !== 'materialize' || !existsSync(path.join(stage.dir, 'manifest.json'))) continue;
    const names = [...new Set(stage.runs.map((id) => runName.get(id) ?? id))].sort();
    const label = `${names.join(', ')} [${stage.id.slice(0, 10)}]`;
    const arm = await readArmIds(label, stage.dir);
    const key = sameDataConfig(stage.inputs);
    if (key) arm.sameByDesign = key;
    arms.push(arm);
    ids[label] = stage.id;
  }
  const report = overlapReport(arms);
  const dir = path.join(plan.resultsRoot, 'experiments', plan.experiment);
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(path.join(dir, OVERLAP_FILE), `${JSON.stringify(overlapFile(report, ids), null, 2)}\n`);
  return report;
}

