/**
 * Which checkpoint a training may resume from. LLaMA-Factory resumes from the highest-numbered
 * `checkpoint-N/` (transformers' get_last_checkpoint only asks that the folder exists), and
 * transformers' `_load_from_checkpoint` then fails with "Can't find a valid checkpoint" when the
 * weights are missing: a trainer killed (or out of disk) while writing `checkpoint-N/` leaves a
 * folder every later run trips over. So ablate checks a checkpoint the way the Trainer will use it:
 *
 * - `trainer_state.json` is Trainer._save_checkpoint's last write (after the model, optimizer,
 *   scheduler, scaler and RNG state): present and valid JSON with `global_step` means the save ran
 *   to the end;
 * - a weights file _load_from_checkpoint accepts (adapter_model / model / pytorch_model, .safetensors
 *   or .bin, or their shard index with every shard present), or FSDP / per-adapter subfolders;
 * - every file readable: JSON parses, a safetensors header fits the file and its tensors end inside
 *   it, a torch zip archive (.pt/.pth/.bin) has its end-of-central-directory record.
 */
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import path from 'node:path';

/** transformers' trainer_utils names. */
export const TRAINER_STATE = 'trainer_state.json';
const WEIGHT_FILES = ['adapter_model.safetensors', 'adapter_model.bin', 'model.safetensors', 'pytorch_model.bin'];
const INDEX_FILES = ['model.safetensors.index.json', 'pytorch_model.bin.index.json'];
const FSDP_PREFIX = 'pytorch_model_fsdp';

/** checkpoint-N folders in output_dir, by N ascending (the order LLaMA-Factory resumes in: the last). */
export function listCheckpoints(outputDir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(outputDir);
  } catch {
    return [];
  }
  return names
    .map((n) => ({ n, step: /^checkpoint-(\d+)$/.exec(n)?.[1] }))
    .filter((x): x is { n: string; step: string } => x.step !== undefined && statSync(path.join(outputDir, x.n)).isDirectory())
    .sort((a, b) => Number(a.step) - Number(b.step))
    .map((x) => path.join(outputDir, x.n));
}

function readHead(file: string, length: number, position = 0): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(length);
    let off = 0;
    while (off < length) {
      const n = readSync(fd, buf, off, length - off, position + off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}

/** Why a safetensors file cannot be loaded (undefined when it can): 8-byte header length, JSON header, tensor ends. */
function safetensorsProblem(file: string, size: number): string | undefined {
  if (size < 8) return `${size} bytes, too short for a safetensors header`;
  const n = Number(readHead(file, 8).readBigUInt64LE(0));
  if (8 + n > size) return `its header claims ${n} bytes but the file has ${size}`;
  let header: Record<string, { data_offsets?: [number, number] }>;
  try {
    header = JSON.parse(readHead(file, n, 8).toString('utf8')) as typeof header;
  } catch {
    return 'its header is not valid JSON';
  }
  let end = 0;
  for (const [k, v] of Object.entries(header)) if (k !== '__metadata__' && v?.data_offsets) end = Math.max(end, v.data_offsets[1]);
  if (8 + n + end > size) return `its tensors end at byte ${8 + n + end} but the file has ${size} (truncated)`;
  return undefined;
}

/** torch.save writes a zip archive: a truncated one lacks the end-of-central-directory record. */
function torchZipProblem(file: string, size: number): string | undefined {
  if (size === 0) return 'empty';
  if (readHead(file, 2).toString('latin1') !== 'PK') return undefined; // the legacy pickle format: nothing to check cheaply
  const tail = readHead(file, Math.min(size, 65_557), Math.max(0, size - 65_557));
  return tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06])) < 0 ? 'a truncated zip archive (no end-of-central-directory record)' : undefined;
}

function jsonProblem(file: string): string | undefined {
  try {
    JSON.parse(readFileSync(file, 'utf8'));
    return undefined;
  } catch (err) {
    return `not valid JSON (${(err as Error).message})`;
  }
}

/** Why `file` cannot be read as what its name says; undefined when it can. */
export function fileProblem(file: string): string | undefined {
  let size: number;
  try {
    const fd = openSync(file, 'r');
    try {
      size = fstatSync(fd).size;
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    return `unreadable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
  if (file.endsWith('.json')) return jsonProblem(file);
  if (file.endsWith('.safetensors')) return safetensorsProblem(file, size);
  if (/\.(pt|pth|bin)$/.test(file)) return torchZipProblem(file, size);
  return undefined;
}

/** Why the model weights in `dir` cannot be loaded (undefined when they can): what _load_from_checkpoint looks for. */
export function weightsProblem(dir: string): string | undefined {
  const present = (f: string): boolean => existsSync(path.join(dir, f));
  for (const f of WEIGHT_FILES) if (present(f)) return undefined;
  for (const f of INDEX_FILES) {
    if (!present(f)) continue;
    const idx = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as { weight_map?: Record<string, string> };
    const missing = [...new Set(Object.values(idx.weight_map ?? {}))].filter((s) => !present(s));
    return missing.length ? `${f} lists missing shard(s) ${missing.join(', ')}` : undefined;
  }
  const entries = readdirSync(dir, { withFileTypes: true });
  if (entries.some((e) => e.name.startsWith(FSDP_PREFIX))) return undefined;
  if (entries.some((e) => e.isDirectory() && WEIGHT_FILES.slice(0, 2).some((w) => existsSync(path.join(dir, e.name, w))))) return undefined;
  return `no model weights (${WEIGHT_FILES.join(', ')} or a shard index)`;
}

/** Every file under `dir` that cannot be read, as "relative/path: why". */
function unreadableFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else {
        const p = fileProblem(path.join(dir, r));
        if (p) out.push(`${r}: ${p}`);
      }
    }
  };
  walk('');
  return out;
}

/** Why a checkpoint folder cannot be resumed from; undefined when it is complete. */
export function checkpointProblem(dir: string): string | undefined {
  try {
    const stateFile = path.join(dir, TRAINER_STATE);
    if (!existsSync(stateFile)) return `no ${TRAINER_STATE} (the Trainer writes it last: the save did not finish)`;
    const bad = unreadableFiles(dir);
    if (bad.length) return bad.join('; ');
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { global_step?: unknown };
    if (typeof state.global_step !== 'number') return `${TRAINER_STATE} has no global_step`;
    return weightsProblem(dir);
  } catch (err) {
    return `unreadable (${(err as Error).message})`;
  }
}

/** A finished training's output_dir: its final weights (and every JSON beside them) readable. */
export function finalModelProblem(outputDir: string): string | undefined {
  try {
    const top = readdirSync(outputDir).filter((n) => !/^checkpoint-\d+$/.test(n) && statSync(path.join(outputDir, n)).isFile());
    const bad = top.map((n) => [n, fileProblem(path.join(outputDir, n))] as const).filter(([, p]) => p);
    if (bad.length) return bad.map(([n, p]) => `${n}: ${p}`).join('; ');
    return weightsProblem(outputDir);
  } catch (err) {
    return `unreadable (${(err as Error).message})`;
  }
}

export interface ResumeChoice {
  /** The newest complete checkpoint, if any. */
  resume?: string;
  /** Newer checkpoints that are incomplete, newest first, with why. */
  incomplete: Array<{ dir: string; problem: string }>;
}

/** The newest complete checkpoint, and the incomplete ones newer than it (which must go before resuming). */
export function chooseResume(outputDir: string): ResumeChoice {
  const incomplete: ResumeChoice['incomplete'] = [];
  for (const dir of listCheckpoints(outputDir).reverse()) {
    const problem = checkpointProblem(dir);
    if (!problem) return { resume: dir, incomplete };
    incomplete.push({ dir, problem });
  }
  return { incomplete };
}
