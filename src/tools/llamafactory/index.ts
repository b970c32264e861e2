/** LLaMA-Factory adapter: configs, commands, output parsing, checks, and the train stage. */
export { loadArgsSchema, type LlamaFactoryArg, type LlamaFactoryArgsSchema } from './argsSchema.js';
export { checkDeepspeed, checkTemplate, checkTrainArgs, DEEPSPEED_PRESETS, checkTrainConfig, llamafactoryTrainRule, nearestName, RESERVED_ARGS, type TrainArgIssue } from './check.js';
export { baseToolEnv, exportCommand, torchrunProblem, trainCommand, type TrainCommandOptions } from './command.js';
export {
  buildMergeConfig,
  buildTrainConfig,
  deepspeedPreset,
  MERGE_CONFIG_FILE,
  MERGE_CARRIED_ARGS,
  MERGED_SUBDIR,
  mergeModelArgs,
  OUTPUT_SUBDIR,
  toLlamaFactoryYaml,
  TRAIN_CONFIG_FILE,
  writeTrainConfig,
  yamlFloat,
  type MergeConfigInputs,
  type TrainConfigInputs,
} from './config.js';
export { ensureTinyModel, modelPathFor, TINY_LLAMA, tinyModelDir } from './model.js';
export { chooseResume, checkpointProblem, listCheckpoints } from './checkpoints.js';
export { parseTrainerLog, progressOf, readTrainMetrics, trainingCurve, type CurvePoint, type TrainerLogEntry } from './outputs.js';
export { METRICS_FILE, MODEL_FILE, prepareTraining, readDatasetName, readTrainedModel, runTrainStage, tailTrainerLog, TRAIN_LOG, trainStageCommand } from './stage.js';
