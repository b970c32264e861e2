import type { Plan } from '../../../plan/types.js';

/**
 * The exact commands of every stage (argument arrays, never shell strings), with their working
 * folder and the variables they set. Unconfigured paths show as named placeholders; `warnings` says which.
 */
export async function renderDryRun(plan: Plan): Promise<{ text: string; warnings: string[] }> {
  const { attachCommands } = await import('../../../tools/commands.js');
  const warnings = await attachCommands(plan);
  const counts = new Map<string, number>();
  const lines = ['', 'Commands (not run):'];
  for (const s of plan.stages.values()) {
    if (!s.command) {
      // Materializing runs inside ablate: there is no external command to show.
      lines.push(`${s.kind} ${s.id}: built by ablate itself into ${s.dir}`);
      continue;
    }
    counts.set(s.kind, (counts.get(s.kind) ?? 0) + 1);
    lines.push(`${s.kind} ${s.id}${s.task ? ` [${s.task}]` : ''}: cwd ${s.command.cwd}`);
    lines.push(`  argv ${JSON.stringify(s.command.argv)}`);
    const env = Object.entries(s.command.env).map(([k, v]) => `${k}=${v}`).join(' ');
    if (env) lines.push(`  env  ${env}`);
  }
  lines.push(`${[...counts].map(([k, n]) => `${n} ${k}`).join(', ') || 'no'} command(s).`);
  return { text: `${lines.join('\n')}\n`, warnings };
}
