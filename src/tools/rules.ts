import type { Rule } from '../spec/rules.js';
import { llamafactoryTrainRule } from './llamafactory/check.js';
import { evalTaskRule } from './eval.js';

/**
 * Per-run checks that need the tools' own vocabularies: LLaMA-Factory argument and template names
 * (from schemas/llamafactory-args.json, generated from the installed package), and each
 * evaluator's task names (e.g. `multiple-cpp` for the BigCode harness, with a hint). Caught at
 * validation, not after hours of training.
 */
export const toolRules: Rule[] = [llamafactoryTrainRule, evalTaskRule];
