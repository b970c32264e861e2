/**
 * `ablate --version --verbose`: the version of ablate, then what it runs with — Node, the Python
 * tool environment and the versions in it, the BigCode harness — in the format of `ablate tools`.
 * Loaded only for that flag pair, so plain `--version` stays instant.
 */
import { renderToolsInfo } from './commands/tools.js';

/** Whether argv asks for the verbose version: both flags before any command name. */
export function wantsVerboseVersion(args: readonly string[]): boolean {
  const firstCommand = args.findIndex((a) => !a.startsWith('-'));
  const globals = firstCommand < 0 ? args : args.slice(0, firstCommand);
  return globals.includes('--verbose') && (globals.includes('--version') || globals.includes('-V'));
}

export async function verboseVersion(version: string): Promise<string> {
  const { toolsInfo } = await import('../tools/toolsInfo.js');
  const info = await toolsInfo();
  return `ablate ${version}\nnode          ${process.versions.node}\n${renderToolsInfo(info)}`;
}
