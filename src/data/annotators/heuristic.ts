/**
 * The built-in complexity proxy: a deterministic score from surface features of the task text.
 * It is NOT a model of difficulty — it ranks tasks by how much they ask for, which correlates with
 * the XCoder/DEITA scores only loosely. Use it for quick runs and tests; use `endpoint` or `python`
 * to reproduce study B.
 *
 * score = 1.0·ln(1 + words)            how much text the task has
 *       + 0.5·requirements             list items and requirement sentences ("must", "should", ...)
 *       + 0.3·constraintWords          constraint vocabulary ("without", "at most", "O(", "edge case", ...)
 *       + 0.4·ln(1 + codeTokens)       code structure in the prompt (fences, braces, calls, keywords)
 *       + 0.2·ln(1 + numbers)          numeric limits ("n ≤ 10^5", "3 decimals")
 * Only the instruction and input are read; the response does not make a task harder.
 */

/** Bumped whenever the formula changes, so cached heuristic scores are recomputed. */
export const HEURISTIC_VERSION = 1;

const REQUIREMENT_LINE = /^\s*(?:[-*•]|\d+[.)]|\(?[a-z]\))\s+\S/gm;
const REQUIREMENT_WORD = /\b(?:must|should|shall|needs? to|required?|ensure|make sure|also|additionally|furthermore|moreover)\b/gi;
const CONSTRAINT_WORD =
  /\b(?:without|at (?:least|most)|no more than|not exceed|only|exactly|constraint|efficient(?:ly)?|optimi[sz]e|time complexity|space complexity|edge cases?|handle|error handling|validate|thread[- ]safe|concurren\w*|recursive(?:ly)?|in[- ]place|o\(\s*[a-z0-9 ^*log]+\))/gi;
const CODE_TOKEN = /```|[{}[\];]|=>|->|::|\b(?:def|class|function|return|import|const|let|var|public|private|static|void|int|struct|SELECT|FROM|WHERE)\b|\w\(\)?/g;
const NUMBER = /\b\d+(?:[.,^e]\d+)*\b/g;

function count(text: string, pattern: RegExp): number {
  pattern.lastIndex = 0;
  let n = 0;
  while (pattern.exec(text) !== null) n++;
  return n;
}

function words(text: string): number {
  const m = text.match(/\S+/g);
  return m ? m.length : 0;
}

export interface HeuristicFeatures {
  words: number;
  requirements: number;
  constraintWords: number;
  codeTokens: number;
  numbers: number;
}

export function heuristicFeatures(instruction: string, input = ''): HeuristicFeatures {
  const text = input ? `${instruction}\n${input}` : instruction;
  return {
    words: words(text),
    requirements: count(text, REQUIREMENT_LINE) + count(text, REQUIREMENT_WORD),
    constraintWords: count(text, CONSTRAINT_WORD),
    codeTokens: count(text, CODE_TOKEN),
    numbers: count(text, NUMBER),
  };
}

export function heuristicComplexity(instruction: string, input = ''): number {
  const f = heuristicFeatures(instruction, input);
  return (
    Math.log1p(f.words) +
    0.5 * f.requirements +
    0.3 * f.constraintWords +
    0.4 * Math.log1p(f.codeTokens) +
    0.2 * Math.log1p(f.numbers)
  );
}
