import type { Command } from 'commander';
import { APPROX_DOWNLOAD } from '../../tools/installSize.js';
import type { ToolsInfo } from '../../tools/toolsInfo.js';

export function renderToolsInfo(info: ToolsInfo): string {
  const lines: string[] = [];
  const where = info.env.source === 'env-var' ? ' (ABLATE_PYTHON_ENV)' : '';
  const missing = info.env.source === 'env-var' ? 'not a virtual environment — fix or unset ABLATE_PYTHON_ENV' : 'missing — run `ablate tools install`';
  lines.push(`python env    ${info.env.path}${where}: ${info.env.present ? `present${info.python ? `, Python ${info.python}` : ''}` : missing}`);
  const show = (label: string, name: string): void => {
    lines.push(`${label.padEnd(14)}${info.packages[name] ?? (info.env.present ? 'not installed' : '-')}`);
  };
  show('llamafactory', 'llamafactory');
  show('evalplus', 'evalplus');
  show('transformers', 'transformers');
  show('torch', 'torch');
  if (info.bigcode) {
    const h = info.bigcode;
    lines.push(`bigcode       ${h.path}: ${h.present ? `present${h.commit ? `, commit ${h.commit}${h.dirty ? ` + local edits (diff ${h.diffSha256!.slice(0, 16)})` : ''}` : ', not a git checkout'}` : 'missing (no main.py / bigcode_eval)'}`);
  } else {
    lines.push('bigcode       not configured (set ABLATE_BIGCODE_HARNESS or eval.harness, or pass --harness)');
  }
  const l = info.livecodebench;
  if (l) lines.push(`livecodebench ${l.path}: ${l.present ? `present${l.commit ? `, commit ${l.commit}${l.dirty ? ` + local edits (diff ${l.diffSha256!.slice(0, 16)})` : ''}` : ', not a git checkout'}` : 'missing (no lcb_runner)'}`);
  for (const w of info.warnings) lines.push(`warning: ${w}`);
  return `${lines.join('\n')}\n`;
}

export function registerTools(program: Command): void {
  const tools = program
    .command('tools')
    .description('show the installed evaluation and training tools (managed Python env, BigCode harness)')
    .option('--json', 'machine-readable output')
    .option('--harness <dir>', 'BigCode harness clone to report (default: ABLATE_BIGCODE_HARNESS)')
    .action(async (opts: { json?: boolean; harness?: string }) => {
      const { toolsInfo } = await import('../../tools/toolsInfo.js');
      const info = await toolsInfo(opts.harness ? { harness: opts.harness } : {});
      process.stdout.write(opts.json ? `${JSON.stringify(info, null, 2)}\n` : renderToolsInfo(info));
    });
  tools
    .command('install')
    .description(`create the managed Python env with the pinned tools (download ${APPROX_DOWNLOAD})`)
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const { ensureToolEnv } = await import('../../tools/pyenv.js');
      const { toolsInfo } = await import('../../tools/toolsInfo.js');
      const { progressSink, heartbeatMs } = await import('../../tools/pipProgress.js');
      const envPath = await ensureToolEnv({ onProgress: progressSink(process.stderr), heartbeatMs: heartbeatMs(process.stderr) });
      const info = await toolsInfo();
      process.stdout.write(opts.json ? `${JSON.stringify(info, null, 2)}\n` : `${envPath}\n${renderToolsInfo(info)}`);
    });
}
