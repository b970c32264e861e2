import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { benchDiversity } from './diversity.js';
import { benchExec, benchExecCli, benchStartup } from './exec.js';
import { benchHash } from './hash.js';
import { benchSlurmLatency } from './slurm.js';
import { benchMaterialize } from './materialize.js';
import { benchPlan } from './plan.js';
import type { BenchRow } from './types.js';

/** Every benchmark of `npm run bench`; each runs in its own process so peak memory is its own. */
const benches: Record<string, () => Promise<BenchRow[]>> = {
  plan: benchPlan,
  materialize: () => benchMaterialize(),
  diversity: () => benchDiversity(),
  exec: benchExec,
  'exec-cli': benchExecCli,
  startup: benchStartup,
  hash: benchHash,
  slurm: benchSlurmLatency,
};

function format(r: BenchRow): string {
  return `${r.name}: ${r.value >= 1000 ? Math.round(r.value).toLocaleString('en') : r.value.toFixed(r.value < 10 ? 3 : 1)} ${r.unit}${r.target ? ` (target ${r.target})` : ''}`;
}

const args = process.argv.slice(2);
const one = args.indexOf('--one');
if (one >= 0) {
  const rows = await benches[args[one + 1]!]!();
  process.stdout.write(JSON.stringify(rows));
} else {
  const only = args.filter((a) => !a.startsWith('--'));
  const rows: BenchRow[] = [];
  for (const name of Object.keys(benches)) {
    if (only.length && !only.includes(name)) continue;
    const out = execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--one', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 });
    for (const r of JSON.parse(out) as BenchRow[]) {
      rows.push(r);
      console.log(format(r));
    }
  }
  if (args.includes('--markdown')) {
    console.log(['', '| benchmark | measured | target |', '|---|---:|---|', ...rows.map((r) => `| ${r.name} | ${format(r).split(': ').pop()!.replace(/ \(target.*$/, '')} | ${r.target ?? ''} |`)].join('\n'));
  }
}
