import { AblateError, EXIT } from '../../errors.js';
import type { Filter } from '../../spec/types.generated.js';
import type { CanonicalRecord } from '../records.js';
import { deriveSeed, sampleWithoutReplacement, shuffled } from '../sample.js';

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
  /** Records of each other source before / after the keyword filter. */
  available: Record<string, number>;
  droppedCodeLike: Record<string, number>;
}

/**
 * Study B's breadth mix: with N code records (or data.size), take int(N·r_code) code records and
 * int(N·r) records of each other source, each sampled with its own named seed; then shuffle.
 */
export function filterCrossDomain(
  code: readonly CanonicalRecord[],
  others: Record<string, readonly CanonicalRecord[]>,
  cfg: CrossDomainFilter,
  codeSource: string,
  dataSize: number | undefined,
  seed: number,
): { records: CanonicalRecord[]; report: CrossDomainReport } {
  const names = Object.keys(cfg.mix).sort();
  if (names.includes(codeSource)) {
    throw new AblateError(`data.filter.cross_domain.mix: "${codeSource}" is the code source itself; list only the other sources`, EXIT.usage);
  }
  const otherShare = names.reduce((s, k) => s + cfg.mix[k]!, 0);
  if (otherShare >= 1) {
    throw new AblateError(`data.filter.cross_domain.mix: shares sum to ${otherShare}; they must leave room for code (sum < 1)`, EXIT.usage);
  }
  const codeShare = 1 - otherShare;
  const base = dataSize ?? code.length;
  const taken: Record<string, number> = {};
  const available: Record<string, number> = {};
  const dropped: Record<string, number> = {};
  // int() as in study B: truncation, on the same IEEE products Python computes.
  const nCode = Math.floor(base * codeShare);
  if (nCode > code.length) {
    throw new AblateError(
      `data.filter.cross_domain: needs ${nCode} code records (${base} × ${codeShare}) but only ${code.length} remain after the previous filters; lower data.size`,
      EXIT.failed,
    );
  }
  const parts: CanonicalRecord[] = sampleWithoutReplacement(code, nCode, deriveSeed(seed, 'cross_domain', codeSource));
  taken[codeSource] = nCode;
  for (const name of names) {
    const pool = others[name];
    if (!pool) throw new AblateError(`data.filter.cross_domain.mix: no source named "${name}" under sources`, EXIT.usage);
    const eligible = cfg.drop_code_like ? pool.filter((r) => !looksLikeCode(r)) : pool;
    dropped[name] = pool.length - eligible.length;
    available[name] = eligible.length;
    const n = Math.floor(base * cfg.mix[name]!);
    if (n > eligible.length) {
      throw new AblateError(
        `data.filter.cross_domain: needs ${n} records from "${name}" but it has ${eligible.length}` +
          (cfg.drop_code_like ? ` after dropping ${dropped[name]} code-like ones` : ''),
        EXIT.failed,
      );
    }
    taken[name] = n;
    parts.push(...sampleWithoutReplacement(eligible, n, deriveSeed(seed, 'cross_domain', name)));
  }
  return {
    records: shuffled(parts, deriveSeed(seed, 'cross_domain', 'shuffle')),
    report: { base, shares: { ...cfg.mix }, codeShare, taken, available, droppedCodeLike: dropped },
  };
}
