/**
 * The SLURM executor, one module per step under ./slurm/: the client commands (cli), the submissions
 * file, batch scripts (script), job states (query), a stage's status (stageStatus), submission with job
 * arrays (submit), following with watched completion records (follow), cancel, and the executor (execute).
 */
export * from './slurm/cli.js';
export * from './slurm/submissions.js';
export * from './slurm/script.js';
export * from './slurm/query.js';
export * from './slurm/stageStatus.js';
export * from './slurm/submit.js';
export * from './slurm/follow.js';
export * from './slurm/cancel.js';
export * from './slurm/execute.js';
