/**
 * Problems a tool loads itself from the hub through `datasets` (the BigCode harness's task
 * datasets, LiveCodeBench's `livecodebench/code_generation_lite`): fetched by running the tool's own
 * loader once, in its clone and Python, so its caches hold exactly what it reads offline later.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { AblateError, EXIT } from '../errors.js';
import { runLineByLine } from '../util/lines.js';
import type { ArtifactSource } from './artifacts.js';

type ToolSource = Extract<ArtifactSource, { type: 'tool' }>;

const LOADERS: Record<ToolSource['tool'], { env: string; python: string; code: string; marker: string }> = {
  // bigcode_eval/tasks: every task's get_dataset() is what its scoring reads (load_dataset(DATASET_PATH, ...)).
  bigcode: { env: 'ABLATE_BIGCODE_HARNESS (or eval.harness)', python: 'ABLATE_BIGCODE_PYTHON', marker: 'main.py', code: 'import sys\nfrom bigcode_eval.tasks import get_task\nds = get_task(sys.argv[1]).get_dataset()\nprint(f"loaded {len(ds)} problems")' },
  // lcb_runner/benchmarks/code_generation.py: load_dataset("livecodebench/code_generation_lite", version_tag=...).
  livecodebench: { env: 'ABLATE_LIVECODEBENCH', python: 'ABLATE_LCB_PYTHON', marker: 'lcb_runner', code: 'import sys\nfrom lcb_runner.benchmarks.code_generation import load_code_generation_dataset\nds = load_code_generation_dataset(sys.argv[1])\nprint(f"loaded {len(ds)} problems")' },
};

export async function loadToolData(src: ToolSource, onLine: (line: string) => void, opts: { env?: NodeJS.ProcessEnv; managedPython?: string; signal?: AbortSignal } = {}): Promise<{ bytes?: number }> {
  const env = opts.env ?? process.env;
  const loader = LOADERS[src.tool];
  if (!src.clone) throw new AblateError(`${src.tool} ${src.key}: set ${loader.env} to the tool's clone, so its own loader can fetch them`, EXIT.usage);
  if (!existsSync(path.join(src.clone, loader.marker))) throw new AblateError(`${src.tool}: ${src.clone} is not a clone of the tool (no ${loader.marker})`, EXIT.usage);
  const python = env[loader.python] ? path.resolve(env[loader.python]!) : opts.managedPython;
  if (!python) throw new AblateError(`${src.tool}: set ${loader.python} to the python of the env the tool is installed in`, EXIT.usage);
  // The hub must be reachable here: this is the one moment the tool downloads.
  const childEnv = { ...env, HF_HUB_OFFLINE: '0', HF_DATASETS_OFFLINE: '0' };
  const r = await runLineByLine(python, ['-c', loader.code, src.arg], { from: 'all', cwd: src.clone, env: childEnv, onLine, ...(opts.signal ? { signal: opts.signal } : {}) });
  if (!r.ok) throw new AblateError(`${src.tool} ${src.key}: its loader failed (exit ${r.exit}):\n${r.tail.join('\n')}`, EXIT.failed);
  return {};
}
