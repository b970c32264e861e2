import { execa } from 'execa';
import { pythonBin, toolEnvStatus } from '../../src/tools/pyenv.js';

/**
 * The managed Python env for a real-tool test, if it can import `modules`. Without it the test
 * skips with the returned reason; with CI set that is an error, since CI must run every real tier.
 */
export async function pythonToolsFor(modules: string[], what: string): Promise<{ python?: string; reason: string }> {
  const status = await toolEnvStatus();
  const python = status.present ? pythonBin(status.path) : undefined;
  const probe = python ? await execa(python, ['-c', `import ${modules.join(', ')}`], { reject: false }) : undefined;
  const ready = Boolean(python && probe?.exitCode === 0);
  const reason = !python
    ? `no Python tool env (${status.path}); set ABLATE_PYTHON_ENV or run \`ablate tools install\``
    : `the tool env cannot import ${modules.join(', ')}: ${String(probe?.stderr ?? '').split('\n').pop()}`;
  if (!ready && process.env.CI) throw new Error(`CI is set but ${what} cannot run: ${reason}`);
  if (!ready) console.warn(`skipping ${what}: ${reason}`);
  return ready ? { python: python!, reason } : { reason };
}
