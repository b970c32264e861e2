import type { Rule } from './rules.js';

/**
 * Per-run checks that need the tools' own vocabularies: LLaMA-Factory argument and template names,
 * and each evaluator's task names. Caught at validation, not after hours of training.
 */
export const toolRules: Rule[] = [];
