import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../../../errors.js';
import type { StageRunners } from '../../../exec/types.js';

/**
 * Stage implementations: the real ones, or (hidden `--runners MODULE`, for tests and custom setups)
 * a module whose default export or `runners` export maps kinds to runners.
 */
export async function loadRunners(modulePath?: string): Promise<StageRunners> {
  if (!modulePath) return (await import('../../../stages/runners.js')).defaultRunners();
  const mod = (await import(pathToFileURL(path.resolve(modulePath)).href)) as { default?: StageRunners; runners?: StageRunners };
  const r = mod.runners ?? mod.default;
  if (!r) throw new UsageError(`--runners ${modulePath}: the module exports no runners`);
  return r;
}

/** SIGINT/SIGTERM abort the controller once; the handlers go away with the returned function. */
export function abortOnSignals(ac: AbortController, onFirst?: (sig: string) => void): () => void {
  const handler = (sig: NodeJS.Signals): void => {
    if (!ac.signal.aborted) {
      onFirst?.(sig);
      ac.abort(new Error(`received ${sig}`));
    }
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
