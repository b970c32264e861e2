import type { Plan, Stage, StageKind } from '../plan/types.js';

/** What an executor hands a stage implementation. Everything the stage writes goes under `workDir`. */
export interface StageRunContext {
  stage: Stage;
  plan: Plan;
  /** The stage's output folder (= stage.dir). The completion record is written by the executor, last. */
  workDir: string;
  /** Variables for child processes of this stage (CUDA_VISIBLE_DEVICES for its GPU slots, ...). */
  env: Record<string, string>;
  signal: AbortSignal;
  /** Appends a line to the stage's log file. */
  log(line: string): void;
  /** Live progress for the progress view and the NDJSON event log. */
  progress(p: StageProgress): void;
  /** Output folder of a dependency stage. */
  depDir(stageId: string): string;
  /** Dry run: write configuration files and report commands, run nothing. */
  dryRun: boolean;
  /** Experiment tracking for a tool that reports by itself (LLaMA-Factory's report_to); set by src/track/. */
  tracking?: ToolTracking;
}

/** How a training reports into the tracker run of its ablate run (src/track/session.ts decides). */
export interface ToolTracking {
  /** LLaMA-Factory / transformers `report_to` names: mlflow, wandb. */
  reportTo: string[];
  /** The tracker run's name (`run_name`). */
  runName: string;
  /** Variables the trackers' callbacks read (MLFLOW_RUN_ID, WANDB_RUN_ID, ...). */
  env: Record<string, string>;
}

export interface StageProgress {
  percent?: number;
  message?: string;
  loss?: number;
  /** Remaining time as the tool reports it ("H:MM:SS"). */
  remaining?: string;
}

/** What a stage implementation returns: extra facts for its completion record. */
export interface StageResult {
  /** Tool name → version (llamafactory 0.9.5, harness commit, ...), for provenance. */
  tools?: Record<string, string>;
  /** Small summary metrics shown in status and tables. */
  summary?: Record<string, unknown>;
}

export type StageRunner = (ctx: StageRunContext) => Promise<StageResult | void>;
export type StageRunners = Record<StageKind, StageRunner>;

/** `execute:` of the spec as the executors read it (the schema's type; defaults applied by the executors). */
export type ExecuteSettings = import('../spec/types.generated.js').Execute;
export type SlurmSettings = NonNullable<ExecuteSettings['slurm']>;

/** Where a stage stands, as `ablate status` and the executors report it. */
export type StageState = 'done' | 'running' | 'failed' | 'pending' | 'submitted' | 'skipped';

/** One event of an execution; `--json` writes them as NDJSON, the progress views render them. */
export type ExecEvent =
  | { type: 'plan'; time: string; executor: 'local' | 'slurm'; runs: number; stages: number; cached: number; toRun: number }
  | { type: 'stage-start'; time: string; id: string; kind: StageKind; runs: string[]; gpus: number[] }
  | { type: 'stage-waiting'; time: string; id: string; kind: StageKind; holder: string }
  /** Waiting for a lock that is not one stage's (the SLURM submit lock of the experiment). */
  | { type: 'waiting'; time: string; lock: string; holder: string }
  | { type: 'progress'; time: string; id: string; kind: StageKind; elapsedMs: number } & StageProgress
  | { type: 'stage-done'; time: string; id: string; kind: StageKind; cached: boolean; durationMs: number }
  | { type: 'stage-failed'; time: string; id: string; kind: StageKind; error: string; log?: string; interrupted?: boolean }
  | { type: 'stage-skipped'; time: string; id: string; kind: StageKind; reason: string }
  /** A completion record whose outputs no longer match it: the stage runs again. */
  | { type: 'stage-invalid'; time: string; id: string; kind: StageKind; reason: string }
  | { type: 'stage-submitted'; time: string; id: string; kind: StageKind; jobId: string; reused: boolean }
  | { type: 'summary'; time: string; summary: ExecSummary };

export interface ExecSummary {
  executor: 'local' | 'slurm';
  durationMs: number;
  /** Stage counts by outcome in this invocation. */
  ran: number;
  cached: number;
  failed: number;
  skipped: number;
  submitted: number;
  interrupted: boolean;
  /** Per run: its name and worst stage outcome. */
  runs: Array<{ id: string; name: string; state: StageState }>;
  failures: Array<{ id: string; kind: StageKind; error: string; log?: string }>;
}
