/**
 * Resuming a training only from a checkpoint the Trainer can load (transformers' _load_from_checkpoint
 * and the order Trainer._save_checkpoint writes in), falling back to the previous one or starting
 * over, and saying which.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkpointProblem, chooseResume, finalModelProblem, listCheckpoints } from '../../src/tools/llamafactory/checkpoints.js';
import { INCOMPLETE_DIR, prepareResume } from '../../src/tools/llamafactory/stage.js';
import { lastErrorLine } from '../../src/exec/fsutil.js';
import { tempDir } from './exec-fixtures.js';

/** A real safetensors file: 8-byte little-endian header length, JSON header, tensor bytes. */
function safetensors(tensorBytes = 64): Buffer {
  const header = Buffer.from(JSON.stringify({ 'base_model.model.lora_A.weight': { dtype: 'F32', shape: [tensorBytes / 4], data_offsets: [0, tensorBytes] } }));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(header.length));
  return Buffer.concat([len, header, Buffer.alloc(tensorBytes, 1)]);
}
/** The shape torch.save leaves: a zip archive that ends with its end-of-central-directory record. */
const torchZip = (): Buffer => Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(100, 2), Buffer.from('PK\u0005\u0006'), Buffer.alloc(18)]);

/** Writes a checkpoint the way Trainer._save_checkpoint does; `upTo` stops part-way (a kill). */
function checkpoint(out: string, step: number, upTo: 'empty' | 'weights' | 'optimizer' | 'complete' = 'complete'): string {
  const dir = path.join(out, `checkpoint-${step}`);
  mkdirSync(dir, { recursive: true });
  if (upTo === 'empty') return dir;
  writeFileSync(path.join(dir, 'adapter_config.json'), '{"r": 8}');
  writeFileSync(path.join(dir, 'adapter_model.safetensors'), safetensors());
  if (upTo === 'weights') return dir;
  writeFileSync(path.join(dir, 'optimizer.pt'), torchZip());
  writeFileSync(path.join(dir, 'scheduler.pt'), torchZip());
  writeFileSync(path.join(dir, 'rng_state.pth'), torchZip());
  if (upTo === 'optimizer') return dir;
  writeFileSync(path.join(dir, 'trainer_state.json'), JSON.stringify({ global_step: step, log_history: [] }));
  return dir;
}

describe('checkpoint completeness', () => {
  it('a checkpoint is complete only when the Trainer finished writing it and every file is readable', () => {
    const out = tempDir('ablate-ckpt-');
    expect(checkpointProblem(checkpoint(out, 1))).toBeUndefined();
    expect(checkpointProblem(checkpoint(out, 2, 'empty'))).toMatch(/no trainer_state\.json/);
    expect(checkpointProblem(checkpoint(out, 3, 'weights'))).toMatch(/no trainer_state\.json/);
    expect(checkpointProblem(checkpoint(out, 4, 'optimizer'))).toMatch(/no trainer_state\.json/);
    // Truncations of each kind of file.
    const t1 = checkpoint(out, 5);
    truncateSync(path.join(t1, 'adapter_model.safetensors'), 40);
    expect(checkpointProblem(t1)).toMatch(/adapter_model\.safetensors: .*(truncated|header)/);
    const t2 = checkpoint(out, 6);
    truncateSync(path.join(t2, 'optimizer.pt'), 50);
    expect(checkpointProblem(t2)).toMatch(/optimizer\.pt: a truncated zip archive/);
    const t3 = checkpoint(out, 7);
    writeFileSync(path.join(t3, 'trainer_state.json'), '{"global_step": 7, "log_hist');
    expect(checkpointProblem(t3)).toMatch(/trainer_state\.json: not valid JSON/);
    const t4 = checkpoint(out, 8);
    truncateSync(path.join(t4, 'adapter_model.safetensors'), 0);
    expect(checkpointProblem(t4)).toMatch(/too short/);
    // Full fine-tuning with sharded weights: every shard in the index must be there.
    const t5 = checkpoint(out, 9);
    rmSync(path.join(t5, 'adapter_model.safetensors'));
    rmSync(path.join(t5, 'adapter_config.json'));
    writeFileSync(path.join(t5, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { a: 'model-00001-of-00002.safetensors', b: 'model-00002-of-00002.safetensors' } }));
    writeFileSync(path.join(t5, 'model-00001-of-00002.safetensors'), safetensors());
    expect(checkpointProblem(t5)).toMatch(/missing shard\(s\) model-00002-of-00002\.safetensors/);
    writeFileSync(path.join(t5, 'model-00002-of-00002.safetensors'), safetensors());
    expect(checkpointProblem(t5)).toBeUndefined();
  });

  it('chooses the newest complete checkpoint; the incomplete newer ones are listed with why', () => {
    const out = tempDir('ablate-ckpt-');
    checkpoint(out, 2);
    checkpoint(out, 4);
    checkpoint(out, 6, 'optimizer');
    checkpoint(out, 8, 'empty');
    mkdirSync(path.join(out, 'checkpoint-x'));
    writeFileSync(path.join(out, 'checkpoint-10'), 'a file, not a folder');
    expect(listCheckpoints(out).map((p) => path.basename(p))).toEqual(['checkpoint-2', 'checkpoint-4', 'checkpoint-6', 'checkpoint-8']);
    const c = chooseResume(out);
    expect(path.basename(c.resume!)).toBe('checkpoint-4');
    expect(c.incomplete.map((i) => path.basename(i.dir))).toEqual(['checkpoint-8', 'checkpoint-6']);
  });

  it('prepareResume moves incomplete checkpoints aside (LLaMA-Factory then picks the complete one) or starts over, and says which', () => {
    const work = tempDir('ablate-ckpt-');
    const out = path.join(work, 'output');
    checkpoint(out, 2);
    checkpoint(out, 3, 'empty');
    const log: string[] = [];
    expect(prepareResume(out, { workDir: work, log: (l) => log.push(l) })).toBe('checkpoint-2');
    expect(readdirSync(out)).toEqual(['checkpoint-2']);
    expect(readdirSync(path.join(work, INCOMPLETE_DIR))).toEqual(['checkpoint-3']);
    expect(log.join('\n')).toMatch(/checkpoint-3 is incomplete \(no trainer_state\.json.*\): moved to/);
    expect(log.join('\n')).toMatch(/resuming from checkpoint-2/);

    // Only an incomplete one: start over, with the folder gone so LLaMA-Factory does not refuse it.
    const work2 = tempDir('ablate-ckpt-');
    const out2 = path.join(work2, 'output');
    checkpoint(out2, 2, 'empty');
    writeFileSync(path.join(out2, 'trainer_log.jsonl'), '{"current_steps": 1, "total_steps": 4}\n');
    const log2: string[] = [];
    expect(prepareResume(out2, { workDir: work2, log: (l) => log2.push(l) })).toBeNull();
    expect(existsSync(out2)).toBe(false);
    expect(log2.join('\n')).toMatch(/starting over: no complete checkpoint/);
  });

  it('a finished training counts only with a readable final model', () => {
    const out = tempDir('ablate-final-');
    writeFileSync(path.join(out, 'all_results.json'), '{"train_loss": 1}');
    expect(finalModelProblem(out)).toMatch(/no model weights/);
    writeFileSync(path.join(out, 'adapter_model.safetensors'), safetensors());
    expect(finalModelProblem(out)).toBeUndefined();
    truncateSync(path.join(out, 'adapter_model.safetensors'), 30);
    expect(finalModelProblem(out)).toMatch(/adapter_model\.safetensors/);
  });
});

describe('the failure summary carries the tool\'s last error line', () => {
  it('picks the Python exception line, an error: line, or the last line', () => {
    const tb = 'Traceback (most recent call last):\n  File "x.py", line 3, in <module>\n    raise ValueError(...)\nValueError: Can\'t find a valid checkpoint at /r/output/checkpoint-2\n[2026-01-01 10:00:00] E0101 torch.distributed.elastic failed\n';
    expect(lastErrorLine(tb)).toBe("ValueError: Can't find a valid checkpoint at /r/output/checkpoint-2");
    expect(lastErrorLine('loading\nerror: unrecognized arguments: --foo\n')).toBe('error: unrecognized arguments: --foo');
    expect(lastErrorLine('step 1\nKilled\n')).toBe('Killed');
    expect(lastErrorLine('torch.OutOfMemoryError: CUDA out of memory.\n')).toBe('torch.OutOfMemoryError: CUDA out of memory.');
    expect(lastErrorLine('')).toBeUndefined();
  });
});
