import { STAGE_KINDS, type Plan, type Run, type Stage, type StageKind } from '../plan/types.js';

export interface Selection {
  /** Only runs whose name matches this glob (`*`, `?`, `[abc]`). */
  only?: string;
  /** Stop after this kind: later kinds are left out. */
  until?: StageKind;
  /** Kinds to redo even when done. */
  force?: StageKind[];
}

export interface SelectedGraph {
  runs: Run[];
  /** Selected stages in dependency order (the plan's order). */
  stages: Stage[];
  forced: Set<string>;
}

/** Glob over run names: `*` any text, `?` one character, `[...]` a class; the rest literal. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        const body = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
        re += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Pure: the runs and stages one invocation works on, with their upstream stages always included. */
export function selectStages(plan: Plan, sel: Selection = {}): SelectedGraph {
  const match = sel.only ? globToRegExp(sel.only) : undefined;
  const runs = plan.runs.filter((r) => !match || match.test(r.name));
  const maxKind = sel.until ? STAGE_KINDS.indexOf(sel.until) : STAGE_KINDS.length - 1;
  const wanted = new Set<string>();
  const visit = (id: string): void => {
    if (wanted.has(id)) return;
    const s = plan.stages.get(id);
    if (!s) throw new Error(`plan: stage ${id} is referenced but not defined`);
    wanted.add(id);
    for (const d of s.deps) visit(d);
  };
  for (const r of runs) {
    for (const id of r.stages) {
      const s = plan.stages.get(id);
      if (s && STAGE_KINDS.indexOf(s.kind) <= maxKind) visit(id);
    }
  }
  const stages = [...plan.stages.values()].filter((s) => wanted.has(s.id));
  const force = new Set(sel.force ?? []);
  // Redoing a stage invalidates what was computed from it: a retrained model needs new evaluations.
  const forced = new Set<string>();
  for (const s of stages) {
    if (!force.has(s.kind)) continue;
    forced.add(s.id);
    for (const d of dependentsOf(stages, s.id)) forced.add(d);
  }
  return { runs, stages, forced };
}

/** Pure: every stage downstream of `id` within `stages`. */
export function dependentsOf(stages: Iterable<Stage>, id: string): Set<string> {
  const children = new Map<string, string[]>();
  for (const s of stages) for (const d of s.deps) children.set(d, [...(children.get(d) ?? []), s.id]);
  const out = new Set<string>();
  const stack = [id];
  while (stack.length) {
    for (const c of children.get(stack.pop()!) ?? []) {
      if (!out.has(c)) {
        out.add(c);
        stack.push(c);
      }
    }
  }
  return out;
}

/** Pure: the stages in an order where every dependency comes first (throws on a cycle). */
export function topoOrder(stages: Stage[]): Stage[] {
  const byId = new Map(stages.map((s) => [s.id, s]));
  const state = new Map<string, 1 | 2>();
  const out: Stage[] = [];
  const visit = (s: Stage, path: string[]): void => {
    const st = state.get(s.id);
    if (st === 2) return;
    if (st === 1) throw new Error(`plan: dependency cycle ${[...path, s.id].join(' → ')}`);
    state.set(s.id, 1);
    for (const d of s.deps) {
      const dep = byId.get(d);
      if (dep) visit(dep, [...path, s.id]);
    }
    state.set(s.id, 2);
    out.push(s);
  };
  for (const s of stages) visit(s, []);
  return out;
}

export function parseKind(value: string, flag: string): StageKind {
  if ((STAGE_KINDS as readonly string[]).includes(value)) return value as StageKind;
  throw new Error(`${flag}: unknown stage kind "${value}"; use one of ${STAGE_KINDS.join(', ')}`);
}

/** `--gpus 0,1,3` → [0, 1, 3]. */
export function parseGpuList(value: string): number[] {
  if (value.trim() === '') return [];
  const ids = value.split(',').map((p) => p.trim());
  const out: number[] = [];
  for (const p of ids) {
    if (!/^\d+$/.test(p)) throw new Error(`--gpus: "${p}" is not a GPU index; write e.g. --gpus 0,1,2,3`);
    const n = Number(p);
    if (out.includes(n)) throw new Error(`--gpus: GPU ${n} is listed twice`);
    out.push(n);
  }
  return out;
}
