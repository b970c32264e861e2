/**
 * Builds a dataset in memory: the steps in their fixed order, each in its own module
 * (load → decontaminate → complexity → composition → diversity → cross_domain → size → card facts).
 * No files are written here (materialize.ts writes them).
 */
import type { MaterializedDataset, MaterializeInputs, MaterializeOptions } from '../materialize.js';
import { cacheRoot } from '../sources/hf.js';
import { complexityStep } from './complexity.js';
import { compositionStep } from './composition.js';
import { diversityStep } from './diversity.js';
import { annotatorsUsed, cardFacts, datacardInput } from './facts.js';
import { crossDomainStep, requireRecords, sizeStep } from './mixSize.js';
import { decontaminateSources, loadSources, startPool } from './sources.js';
import type { Annotators, BuildState } from './state.js';

export type { Annotators, StepCount } from './state.js';

export async function buildDataset(inputs: MaterializeInputs, annotators: Annotators, opts: MaterializeOptions): Promise<MaterializedDataset> {
  const log = opts.log ?? (() => {});
  const cacheDir = opts.cacheDir ?? cacheRoot();
  const s: BuildState = {
    inputs,
    data: inputs.data,
    filter: inputs.data.filter ?? {},
    annotate: inputs.annotate ?? {},
    seed: inputs.seed,
    annotators,
    specDir: opts.specDir,
    cacheDir,
    actx: { cacheDir, specDir: opts.specDir, log },
    log,
    warnings: [],
    steps: [],
    derived: {},
    loaded: {},
    stats: {},
    current: [],
    embeddingCfg: inputs.annotate?.embedding ?? {},
  };
  await loadSources(s);
  await decontaminateSources(s);
  startPool(s);
  await complexityStep(s);
  await compositionStep(s);
  await diversityStep(s);
  crossDomainStep(s);
  sizeStep(s);
  requireRecords(s);
  await cardFacts(s);
  const datacard = datacardInput(s);
  const annotatorsMeta = await annotatorsUsed(s);
  const { stats } = s;
  return {
    records: s.current,
    datacard,
    manifest: {
      steps: s.steps,
      sources: stats,
      duplicates: Object.fromEntries(Object.entries(stats).map(([k, v]) => [k, v.duplicates])),
      malformed: Object.fromEntries(Object.entries(stats).map(([k, v]) => [k, v.malformed])),
      ...(s.decontamination ? { decontamination: s.decontamination } : {}),
      seeds: { root: s.seed, derived: s.derived },
      annotators: annotatorsMeta,
      warnings: s.warnings,
    },
  };
}
