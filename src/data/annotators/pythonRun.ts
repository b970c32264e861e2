/** Runs one of ablate's Python runners in the tool environment, offline, with its stderr in the log. */
import { runLineByLine } from '../../util/lines.js';
import { AblateError } from '../../errors.js';
import { pythonBin, requireToolEnv, runnerScript } from '../../tools/pyenv.js';

/** The Python interpreter of the tool env (ABLATE_PYTHON_ENV or the managed env); throws how to install it otherwise. */
export async function toolPython(): Promise<string> {
  return pythonBin(await requireToolEnv());
}

export async function runRunner(script: string, args: string[], log: (line: string) => void, label: string): Promise<void> {
  const python = await toolPython();
  const r = await runLineByLine(python, [runnerScript(script), ...args], {
    from: 'stderr',
    keep: 25,
    // No hub here or on most clusters' compute nodes: fail fast on a model that is not local.
    env: { HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1', HF_DATASETS_OFFLINE: '1', TOKENIZERS_PARALLELISM: 'false' },
    onLine: (line) => {
      if (line.startsWith('[ablate] ')) log(`${label}: ${line.slice('[ablate] '.length)}`);
    },
  });
  if (!r.ok) throw new AblateError(`${label}: runners/${script} failed (exit ${r.exit}):\n${r.tail.join('\n')}`);
}
