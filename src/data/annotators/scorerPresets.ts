/**
 * The two model-based complexity scorers of the studies: a prompt and the weight of the first of
 * the score tokens "1".."6". Study B (XCoder) weighs them 0..5; study A (DEITA-style) 1..6.
 */
export interface ScorerPreset {
  /** The prompt, with `{instruction}` where the task goes. */
  prompt: string;
  /** Weight of "1"; the six tokens weigh firstWeight .. firstWeight + 5. */
  firstWeight: number;
}

export const SCORER_PRESETS: Readonly<Record<'xcoder' | 'deita', ScorerPreset>> = {
  // Study B, exactly (note the two spaces before the second newline and the trailing space).
  xcoder: { prompt: 'You are a helpful assistant. Please identify the complexity score of the following user query. \n##Query: {instruction}  \n##Complexity: ', firstWeight: 0 },
  // Study A's problem-complexity prompt.
  deita: { prompt: 'You are a helpful assistant. Please identify the complexity score of the following programming problem.\n##Problem: {instruction}\n##Complexity: ', firstWeight: 1 },
};

export function scorerPreset(name: 'xcoder' | 'deita' | undefined): ScorerPreset {
  return SCORER_PRESETS[name ?? 'xcoder'];
}

export function fillPrompt(preset: ScorerPreset, instruction: string): string {
  return preset.prompt.replace('{instruction}', () => instruction);
}
