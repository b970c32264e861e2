/**
 * The evaluation adapter contract and registry. Each evaluator (src/tools/<tool>/adapter.ts) is one
 * object implementing this interface: task checks, the exact commands, reading its outputs into
 * per-problem outcomes, its version for provenance, and the checks before a run. The eval stage
 * (src/tools/eval.ts) only talks to this interface; adding a tool is its folder plus one line below.
 */
import { AblateError, EXIT } from '../errors.js';
import type { StageCommand } from '../plan/types.js';
import { bigcodeAdapter } from './bigcode/adapter.js';
import type { EvalInvocation, EvalTaskIssue } from './evalCommon.js';
import type { EvalResult } from './evalResult.js';
import { evalplusAdapter } from './evalplus/adapter.js';
import { lcbAdapter } from './livecodebench/adapter.js';
import { localAdapter } from './localEval/adapter.js';

export interface EvalCheckOptions {
  args?: Record<string, unknown>;
  limit?: number;
  problems?: string;
}

export interface EvalAdapter {
  /** The `eval.tool` name. */
  readonly name: string;
  /** It loads one model folder (vLLM, EvalPlus): a LoRA adapter must be merged by the train stage. */
  readonly needsMergedModel?: boolean;
  /** A variable naming the python of the user's own env for this tool (a clone not on PyPI); default: the managed env. */
  readonly pythonEnvVar?: string;
  /** Shown in plans and dry runs in place of an unconfigured harness folder (the tool needs `eval.harness`). */
  readonly harnessPlaceholder?: string;
  /** The plan's warning when the commands show harnessPlaceholder (how to configure the clone). */
  readonly unconfiguredWarning?: string;
  /** Problems with the tasks and arguments of an `eval` section, before anything runs. */
  checkTasks(tasks: readonly string[], opts: EvalCheckOptions): EvalTaskIssue[];
  /** Every command of one evaluation, in order (pure). */
  steps(inv: EvalInvocation): StageCommand[];
  /** Refuses to start when something the run needs is missing (the dry run checks less). */
  checkReady?(inv: EvalInvocation, dryRun: boolean): void;
  /** Files the tool reads that ablate derives before the run (a cut problem file, a temp folder). */
  prepare?(inv: EvalInvocation): void;
  /** Lays out the stage's private scratch folder (TMPDIR) before the commands run there (a working folder a tool expects). */
  prepareScratch?(inv: EvalInvocation, scratchDir: string): void;
  /** Moves the outputs a tool wrote into the scratch folder into the stage folder, after the commands. */
  collectOutputs?(scratchDir: string, stageDir: string): void;
  /** Outputs of a previous attempt, relative to the stage folder, removed before a retry. */
  staleOutputs: readonly string[];
  /** Reads the tool's outputs in inv.outDir into per-problem outcomes and metrics. */
  parse(inv: EvalInvocation, toolVersion: string | undefined): EvalResult;
  /** The tool's version for provenance and the setup hash; undefined when it cannot be told. */
  version(inv: EvalInvocation): Promise<string | undefined>;
  /** What is missing on this machine to run it (one message per problem); memo shares probes across stages. */
  preflight?(inv: EvalInvocation, memo: Map<string, Promise<boolean>>): Promise<string[]>;
  /** A note on a result that looks inconsistent (logged, not fatal). */
  consistencyWarning?(result: EvalResult): string | undefined;
}

const registry = new Map<string, EvalAdapter>();

/** Adds (or replaces) the adapter of `adapter.name`. */
export function registerEvalAdapter(adapter: EvalAdapter): void {
  registry.set(adapter.name, adapter);
}

// The built-in evaluators: one line per tool.
registerEvalAdapter(bigcodeAdapter);
registerEvalAdapter(evalplusAdapter);
registerEvalAdapter(lcbAdapter);
registerEvalAdapter(localAdapter);

export function evalToolNames(): string[] {
  return [...registry.keys()];
}

export function findEvalAdapter(tool: string): EvalAdapter | undefined {
  return registry.get(tool);
}

export function evalAdapter(tool: string): EvalAdapter {
  const adapter = registry.get(tool);
  if (!adapter) throw new AblateError(`unknown eval tool '${tool}'; use one of: ${evalToolNames().join(', ')}`, EXIT.usage);
  return adapter;
}
