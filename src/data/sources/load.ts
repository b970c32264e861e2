import { fileSha256 } from '../../util/fileHash.js';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { AblateError, EXIT, InputError, type Diagnostic } from '../../errors.js';
import { dedupRecords, recordId, type CanonicalRecord, type Domain } from '../records.js';
import { resolveHfFiles, type HfOptions } from './hf.js';
import { sha256 } from '../../util/hash.js';
import { fieldMapping, mapFields } from './presets.js';
import { readRawRecords, type RecordLocation } from './readers.js';

export type { ResolvedSource } from '../../plan/ids.js';
import type { ResolvedSource } from '../../plan/ids.js';

export interface SourceStats {
  name: string;
  /** The file actually read (absolute); the first one when a Hugging Face split has several. */
  file: string;
  /** All files read, in order, when there are several (a sharded Hugging Face split). */
  files?: string[];
  /** Content hash of that file (of the files' hashes, one per line, when there are several). */
  sha256: string;
  hf?: { id: string; revision: string; split: string };
  format: string;
  domain: Domain;
  /** Raw records read (including malformed ones). */
  read: number;
  malformed: number;
  /** The first few malformed-record messages (skip policy), for the manifest. */
  malformedExamples: string[];
  duplicates: number;
  /** Records after dropping malformed ones and duplicates. */
  records: number;
}

export interface LoadOptions {
  /** Relative `path`s resolve against this folder. */
  specDir: string;
  /** Remove exact duplicates (data.dedup, default true). */
  dedup?: boolean;
  hf?: HfOptions;
  log?(line: string): void;
}

/** How many problems a failing read collects before stopping, so one bad file does not flood the terminal. */
const MAX_DIAGNOSTICS = 20;
const MAX_EXAMPLES = 10;



function where(file: string, loc: RecordLocation, field?: string): Omit<Diagnostic, 'message'> {
  // JSONL and CSV have lines; a JSON array or parquet file only has record indexes, given as a path.
  return loc.line !== undefined
    ? { file, line: loc.line, col: loc.col ?? 1, ...(field ? { path: field } : {}) }
    : { file, line: 0, col: 0, path: `[${loc.index}]${field ? `.${field}` : ''}` };
}

/** Reads one source into canonical records: mapped, checked, malformed ones handled by `on_error`, deduplicated. */
export async function loadSource(
  name: string,
  src: ResolvedSource,
  opts: LoadOptions,
): Promise<{ records: CanonicalRecord[]; stats: SourceStats }> {
  let files: string[];
  if (src.absPath || src.path) {
    files = [src.absPath ?? path.resolve(opts.specDir, src.path!)];
  } else if (src.hf) {
    if (!src.revision) throw new AblateError(`sources.${name}: a Hugging Face source needs \`revision\``, EXIT.usage);
    // The fetched commit, when there is one: the data the stage id names.
    files = await resolveHfFiles({ hf: src.hf, revision: src.commit ?? src.revision, split: src.split, file: src.file }, { log: opts.log, ...opts.hf });
  } else {
    throw new AblateError(`sources.${name}: needs \`path\` or \`hf\``, EXIT.usage);
  }
  for (const file of files) {
    try {
      await stat(file);
    } catch {
      throw new AblateError(`sources.${name}: data file not found: ${file}`, EXIT.usage);
    }
  }
  const file = files[0]!;
  const format = src.format ?? 'alpaca';
  const domain: Domain = src.domain ?? 'code';
  const mapping = fieldMapping(format, src.fields);
  const policy = src.on_error ?? 'fail';
  const diagnostics: Diagnostic[] = [];
  const examples: string[] = [];
  const records: CanonicalRecord[] = [];
  let read = 0;
  let malformed = 0;
  const problem = (d: Diagnostic): void => {
    malformed++;
    if (policy === 'fail') diagnostics.push(d);
    else if (examples.length < MAX_EXAMPLES) examples.push(`${d.file}:${d.line}:${d.col}: ${d.path ? `${d.path}: ` : ''}${d.message}`);
  };
  reading: for (const part of files) {
    for await (const item of readRawRecords(part)) {
      read++;
      if ('parseError' in item) {
        problem({ ...where(part, item.loc), message: item.parseError });
      } else {
        const m = mapFields(item.value, mapping);
        if ('field' in m) {
          problem({ ...where(part, item.loc, m.field || undefined), message: m.message });
        } else {
          const rec: CanonicalRecord = {
            id: recordId(m.instruction, m.input, m.output),
            instruction: m.instruction,
            input: m.input,
            output: m.output,
            source: name,
            domain,
          };
          if (m.complexity !== undefined) rec.complexity = m.complexity;
          if (m.task_type !== undefined) rec.task_type = m.task_type;
          records.push(rec);
        }
      }
      if (diagnostics.length >= MAX_DIAGNOSTICS) break reading;
      if (src.limit !== undefined && records.length >= src.limit) break reading;
    }
  }
  if (diagnostics.length > 0) {
    const last = diagnostics[diagnostics.length - 1]!;
    if (diagnostics.length >= MAX_DIAGNOSTICS) {
      diagnostics.push({ file: last.file, line: 0, col: 0, message: `stopped after ${MAX_DIAGNOSTICS} problems` });
    }
    diagnostics.push({
      file: last.file,
      line: 0,
      col: 0,
      path: `sources.${name}.on_error`,
      message: 'fix the records above, or set `on_error: skip` to drop and count malformed records',
    });
    throw new InputError(diagnostics);
  }
  const { records: unique, duplicates } = opts.dedup === false ? { records, duplicates: 0 } : dedupRecords(records);
  const stats: SourceStats = {
    name,
    file,
    sha256: src.sha256 ?? (files.length === 1 ? await fileSha256(file) : sha256((await Promise.all(files.map(fileSha256))).join('\n'))),
    format,
    domain,
    read,
    malformed,
    malformedExamples: examples,
    duplicates,
    records: unique.length,
  };
  if (files.length > 1) stats.files = files;
  if (src.hf) stats.hf = { id: src.hf, revision: src.revision!, split: src.split ?? 'train' };
  opts.log?.(`source ${name}: ${read} read, ${malformed} malformed, ${duplicates} duplicates, ${unique.length} records`);
  return { records: unique, stats };
}
