/** Runs one of ablate's Python runners in the tool environment, offline, with its stderr in the log. */
import { execa } from 'execa';
import { AblateError } from '../../errors.js';
import { pythonBin, requireToolEnv, runnerScript } from '../../tools/pyenv.js';

/** The Python interpreter of the tool env (ABLATE_PYTHON_ENV or the managed env); throws how to install it otherwise. */
export async function toolPython(): Promise<string> {
  return pythonBin(await requireToolEnv());
}

export async function runRunner(script: string, args: string[], log: (line: string) => void, label: string): Promise<void> {
  const python = await toolPython();
  const tail: string[] = [];
  const child = execa(python, [runnerScript(script), ...args], {
    reject: false,
    buffer: false,
    stdout: 'ignore',
    // No hub here or on most clusters' compute nodes: fail fast on a model that is not local.
    env: { HF_HUB_OFFLINE: '1', TRANSFORMERS_OFFLINE: '1', HF_DATASETS_OFFLINE: '1', TOKENIZERS_PARALLELISM: 'false' },
  });
  child.stderr?.setEncoding('utf8');
  let pending = '';
  child.stderr?.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split(/\r?\n/);
    pending = lines.pop() ?? '';
    for (const line of lines) {
      tail.push(line);
      if (tail.length > 25) tail.shift();
      if (line.startsWith('[ablate] ')) log(`${label}: ${line.slice('[ablate] '.length)}`);
    }
  });
  const result = await child;
  if (pending) tail.push(pending);
  if (result.exitCode !== 0 || result.failed) {
    throw new AblateError(`${label}: runners/${script} failed (exit ${result.exitCode ?? result.signal}):\n${tail.join('\n')}`);
  }
}
