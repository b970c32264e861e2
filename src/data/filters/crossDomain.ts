import { AblateError, EXIT } from '../../errors.js';
import type { Filter } from '../../spec/types.generated.js';
import type { CanonicalRecord } from '../records.js';
import { drawGroups } from '../sample.js';

export type CrossDomainFilter = NonNullable<Filter['cross_domain']>;

/** Study B's keyword list, verbatim: a non-code record containing any of these (lower-cased) is dropped. */
export const CODE_LIKE_KEYWORDS: readonly string[] = [
  'def ', 'class ', 'import ', 'from ', 'function ', 'const ', 'let ', 'var ', 'public ', 'private ',
  '```', '{', '}', '[', ']', '();', '=>', '->',
];

/** True when the lower-cased instruction or output contains a code-like keyword (study B). */
export function looksLikeCode(r: Pick<CanonicalRecord, 'instruction' | 'output'>): boolean {
  const ins = r.instruction.toLowerCase();
  const out = r.output.toLowerCase();
  return CODE_LIKE_KEYWORDS.some((k) => ins.includes(k) || out.includes(k));
}

export interface CrossDomainReport {
  /** N: code records after the previous filters, or data.size when set. */
  base: number;
  shares: Record<string, number>;
  codeShare: number;
  taken: Record<string, number>;
  /** Records of each other source left to draw from (after the keyword filter and cross-source duplicates). */
  available: Record<string, number>;
  droppedCodeLike: Record<string, number>;
  /**
   * Records of each other source left out because the same record (same content id) is already in
   * the code records or in an earlier other source (by name): a record is never in a subset twice.
   */
  droppedDuplicates: Record<string, number>;
}

/** `x` rounded to 12 decimals: 1 − 0.9 is 0.09999999999999998 in IEEE, and int(N·r) must see the 0.1 a user means. */
function decimal(x: number): number {
  return Number(x.toFixed(12));
}

/**
 * Study B's breadth mix: with N code records (or data.size), take int(N·r_code) code records and
 * int(N·r) records of each other source, each sampled with its own named seed; then shuffle.
 * Records of another source that are also among the code records (or in an earlier other source)
 * are not drawn again, so the subset never holds one record twice.
 */
export function filterCrossDomain(
  code: readonly CanonicalRecord[],
  others: Record<string, readonly CanonicalRecord[]>,
  cfg: CrossDomainFilter,
  codeSource: string,
  dataSize: number | undefined,
  seed: number,
): { records: CanonicalRecord[]; report: CrossDomainReport; seeds: Record<string, number> } {
  const names = Object.keys(cfg.mix).sort();
  if (names.includes(codeSource)) {
    throw new AblateError(`data.filter.cross_domain.mix: "${codeSource}" is the code source itself; list only the other sources`, EXIT.usage);
  }
  const otherShare = names.reduce((s, k) => s + cfg.mix[k]!, 0);
  if (otherShare >= 1) {
    throw new AblateError(`data.filter.cross_domain.mix: shares sum to ${otherShare}; they must leave room for code (sum < 1)`, EXIT.usage);
  }
  // r_code as the decimal the user means (study B writes 0.97 and 0.9, not 1 − 0.03 and 1 − 0.1).
  const codeShare = decimal(1 - otherShare);
  const base = dataSize ?? code.length;
  const taken: Record<string, number> = {};
  const available: Record<string, number> = {};
  const dropped: Record<string, number> = {};
  const duplicates: Record<string, number> = {};
  const seen = new Set(code.map((r) => r.id));
  // int() as in study B: truncation, on the same IEEE products Python computes.
  const nCode = Math.floor(base * codeShare);
  if (nCode > code.length) {
    throw new AblateError(
      `data.filter.cross_domain: needs ${nCode} code records (${base} × ${codeShare}) but only ${code.length} remain after the previous filters; lower data.size`,
      EXIT.failed,
    );
  }
  const parts: { name: string; items: readonly CanonicalRecord[]; k: number }[] = [{ name: codeSource, items: code, k: nCode }];
  taken[codeSource] = nCode;
  for (const name of names) {
    const pool = others[name];
    if (!pool) throw new AblateError(`data.filter.cross_domain.mix: no source named "${name}" under sources`, EXIT.usage);
    const nonCode = cfg.drop_code_like ? pool.filter((r) => !looksLikeCode(r)) : pool;
    dropped[name] = pool.length - nonCode.length;
    const eligible = nonCode.filter((r) => !seen.has(r.id));
    duplicates[name] = nonCode.length - eligible.length;
    for (const r of pool) seen.add(r.id);
    available[name] = eligible.length;
    const n = Math.floor(base * cfg.mix[name]!);
    if (n > eligible.length) {
      const why = [
        ...(cfg.drop_code_like ? [`${dropped[name]} code-like records dropped`] : []),
        ...(duplicates[name] ? [`${duplicates[name]} already among the code records or an earlier source`] : []),
      ];
      throw new AblateError(
        `data.filter.cross_domain: needs ${n} records from "${name}" (${base} × ${cfg.mix[name]}) but it has ${eligible.length}` +
          (why.length ? ` (${why.join(', ')})` : '') +
          '; lower its share or data.size',
        EXIT.failed,
      );
    }
    taken[name] = n;
    parts.push({ name, items: eligible, k: n });
  }
  const { drawn, seeds } = drawGroups(parts, seed, 'cross_domain');
  return {
    records: drawn,
    report: { base, shares: { ...cfg.mix }, codeShare, taken, available, droppedCodeLike: dropped, droppedDuplicates: duplicates },
    seeds,
  };
}
