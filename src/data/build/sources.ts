/** Steps 1–2: load every source the dataset reads (deduplicated), then remove benchmark-contaminated records. */
import { AblateError, EXIT } from '../../errors.js';
import { benchmarkFile, decontaminate, DECONTAMINATION_RULES, DEFAULT_MIN_CHARS, loadBenchmark, type Benchmark, type DecontaminationReport } from '../decontaminate.js';
import { sourcesUsedBy } from '../../spec/dataInputs.js';
import { loadSource } from '../sources/load.js';
import type { BuildState } from './state.js';

export async function loadSources(s: BuildState): Promise<void> {
  for (const name of sourcesUsedBy(s.data)) {
    const src = s.inputs.sources[name];
    if (!src) throw new AblateError(`data refers to source "${name}", which is not among the stage's sources`, EXIT.usage);
    const { records, stats } = await loadSource(name, src, { specDir: s.specDir, dedup: s.data.dedup ?? true, hf: { cacheRoot: s.cacheDir }, log: s.log });
    s.loaded[name] = records;
    s.stats[name] = stats;
    if (stats.malformed > 0) s.warnings.push(`source ${name}: ${stats.malformed} malformed records skipped (on_error: skip)`);
  }
  s.steps.push({ step: 'load', count: s.loaded[s.data.source]!.length });
}

export async function decontaminateSources(s: BuildState): Promise<void> {
  const cfg = s.data.decontaminate;
  if (!cfg) return;
  const n = cfg.ngram ?? 13;
  const minChars = cfg.min_chars ?? DEFAULT_MIN_CHARS;
  const rules = [...(cfg.rules ?? DECONTAMINATION_RULES)];
  const cutoff = cfg.livecodebench_cutoff;
  const problems = [];
  const benchmarks: DecontaminationReport['benchmarks'] = [];
  for (const b of [...new Set(cfg.benchmarks)].sort() as Benchmark[]) {
    // LiveCodeBench is decontaminated by date (the evaluation starts at the cutoff); a local problem file is checked too.
    if (b === 'livecodebench' && !cfg.paths?.livecodebench) continue;
    const file = await benchmarkFile(b, cfg.paths, s.specDir, s.cacheDir);
    const ps = await loadBenchmark(b, file, b === 'livecodebench' && cutoff ? { cutoff } : {});
    benchmarks.push({ name: b, file, problems: ps.length });
    problems.push(...ps);
  }
  const removed = [];
  for (const name of Object.keys(s.loaded).sort()) {
    const r = decontaminate(s.loaded[name]!, problems, { ngram: n, minChars, rules });
    s.loaded[name] = r.kept;
    removed.push(...r.removed);
  }
  s.decontamination = { benchmarks, ngram: n, minChars, rules, ...(cutoff ? { livecodebenchCutoff: cutoff } : {}), removed };
  s.steps.push({ step: 'decontaminate', count: s.loaded[s.data.source]!.length, removed: removed.length });
  s.log(`decontamination: removed ${removed.length} records (rules ${rules.join(', ')}; ${n}-grams, whole strings of ≥ ${minChars} characters) against ${benchmarks.map((b) => b.name).join(', ')}`);
}

/** The main source's records are the pool every filter starts from; an empty one is an error that says why. */
export function startPool(s: BuildState): void {
  const pool = s.loaded[s.data.source]!;
  if (pool.length === 0) {
    const st = s.stats[s.data.source]!;
    const decontaminated = s.decontamination ? `, ${s.decontamination.removed.filter((r) => r.source === s.data.source).length} decontaminated` : '';
    throw new AblateError(
      `source ${s.data.source} has no records to build the dataset from (${st.file}: ${st.read} read, ${st.malformed} malformed, ` +
        `${st.duplicates} duplicates${decontaminated}); check the file, its format and field mapping`,
      EXIT.failed,
    );
  }
  s.current = pool;
}
