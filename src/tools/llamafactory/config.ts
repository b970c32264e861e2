/**
 * LLaMA-Factory configuration files, built as plain data (pure) and written as YAML: a `.json`
 * config crashes `llamafactory-cli` 0.9.5, and any key its HfArgumentParser does not know is a
 * hard error, so only keys listed in schemas/llamafactory-args.json are ever emitted.
 */
import path from 'node:path';
import { Scalar, stringify, type ScalarTag, type Tags } from 'yaml';
import { AblateError } from '../../errors.js';
import { writeFileAtomic } from '../../exec/fsutil.js';
import type { Train } from '../../spec/types.generated.js';
import { loadArgsSchema, type LlamaFactoryArgsSchema } from './argsSchema.js';
import { RESERVED_ARGS } from './check.js';

export const TRAIN_CONFIG_FILE = 'llamafactory.yaml';
export const MERGE_CONFIG_FILE = 'merge.yaml';
/** LLaMA-Factory's output_dir inside the train stage folder. */
export const OUTPUT_SUBDIR = 'output';
/** Merged full weights (train.merge) inside the train stage folder. */
export const MERGED_SUBDIR = 'merged';

/** What one training needs; paths absolute. */
export interface TrainConfigInputs {
  train: Train;
  /** Model folder or hub id as LLaMA-Factory should load it (local paths already resolved). */
  modelPath: string;
  /** Folder holding dataset_info.json and the data file. */
  datasetDir: string;
  /** The entry name in dataset_info.json. */
  datasetName: string;
  outputDir: string;
  /** Absolute path of the DeepSpeed JSON config, when train.deepspeed is set. */
  deepspeedConfig?: string;
  /** Experiment tracking (`track:`): the trackers LLaMA-Factory reports to and the tracker run's name. */
  tracking?: { reportTo: string[]; runName: string };
}

/** Defaults ablate chooses where LLaMA-Factory's would hurt (user args override these). */
export const TRAIN_DEFAULTS: Readonly<Record<string, unknown>> = {
  report_to: 'none',
  plot_loss: true,
  logging_steps: 10,
  save_steps: 500,
};

/**
 * The training config, keys in a fixed order: what ablate sets, then the user's args (sorted).
 * Throws on a key the pinned LLaMA-Factory does not know (validation reports it earlier, with a
 * suggestion; this is the last guard).
 */
export function buildTrainConfig(inputs: TrainConfigInputs, schema: LlamaFactoryArgsSchema = loadArgsSchema()): Record<string, unknown> {
  const { train } = inputs;
  const userArgs = { ...((train.args ?? {}) as Record<string, unknown>) };
  for (const key of Object.keys(userArgs)) {
    if (RESERVED_ARGS[key]) throw new AblateError(`train.args.${key}: ${RESERVED_ARGS[key]}`, 2);
  }
  const cfg: Record<string, unknown> = {
    model_name_or_path: inputs.modelPath,
    ...(train.revision ? { model_revision: train.revision } : {}),
    stage: 'sft',
    do_train: true,
    finetuning_type: train.finetuning ?? 'lora',
    // Always explicit: without it LLaMA-Factory silently uses `empty` (no separator, no EOS).
    template: train.template ?? 'default',
    dataset: inputs.datasetName,
    dataset_dir: inputs.datasetDir,
    output_dir: inputs.outputDir,
    // false: a restarted training resumes from the last checkpoint-* in output_dir.
    overwrite_output_dir: false,
    ...(inputs.deepspeedConfig ? { deepspeed: inputs.deepspeedConfig } : {}),
  };
  for (const [key, value] of Object.entries(TRAIN_DEFAULTS)) cfg[key] = key in userArgs ? userArgs[key] : value;
  if (inputs.tracking && inputs.tracking.reportTo.length > 0) {
    // The trackers join whatever the user reports to (tensorboard, ...); `none` gives way to them.
    const own = [cfg.report_to].flat().filter((v): v is string => typeof v === 'string' && v !== 'none' && v !== '');
    cfg.report_to = [...new Set([...own, ...inputs.tracking.reportTo])];
    if (!('run_name' in userArgs)) cfg.run_name = inputs.tracking.runName;
  }
  for (const key of Object.keys(userArgs).sort()) if (!(key in cfg)) cfg[key] = userArgs[key];
  assertKnownKeys(cfg, schema);
  return cfg;
}

export interface MergeConfigInputs {
  modelPath: string;
  /** The training output_dir (the adapter). */
  adapterDir: string;
  template: string;
  exportDir: string;
  revision?: string;
  /** Model- and tokenizer-loading args of the training (MERGE_CARRIED_ARGS) the merge must load the same way. */
  modelArgs?: Record<string, unknown>;
}

/**
 * train.args that decide how the model and tokenizer load: the merge must repeat them, or a model
 * with remote code fails to load and an adapter trained with added tokens (resized embeddings)
 * no longer fits the base model.
 */
export const MERGE_CARRIED_ARGS: readonly string[] = ['trust_remote_code', 'cache_dir', 'hf_hub_token', 'use_fast_tokenizer', 'split_special_tokens', 'resize_vocab', 'add_tokens', 'add_special_tokens'];

export function mergeModelArgs(trainArgs: Record<string, unknown> | undefined): Record<string, unknown> {
  const carried: Record<string, unknown> = {};
  for (const key of MERGE_CARRIED_ARGS) if (trainArgs?.[key] !== undefined) carried[key] = trainArgs[key];
  return carried;
}

/** `llamafactory-cli export` config that merges a LoRA adapter into full weights on the CPU. */
export function buildMergeConfig(inputs: MergeConfigInputs, schema: LlamaFactoryArgsSchema = loadArgsSchema()): Record<string, unknown> {
  const cfg: Record<string, unknown> = {
    model_name_or_path: inputs.modelPath,
    ...(inputs.revision ? { model_revision: inputs.revision } : {}),
    adapter_name_or_path: inputs.adapterDir,
    template: inputs.template,
    finetuning_type: 'lora',
    export_dir: inputs.exportDir,
    export_size: 5,
    export_device: 'cpu',
    export_legacy_format: false,
    ...inputs.modelArgs,
  };
  assertKnownKeys(cfg, schema);
  return cfg;
}

function assertKnownKeys(cfg: Record<string, unknown>, schema: LlamaFactoryArgsSchema): void {
  const unknown = Object.keys(cfg).filter((k) => !(k in schema.args));
  if (unknown.length > 0) {
    throw new AblateError(`LLaMA-Factory ${schema.llamafactory_version} does not accept ${unknown.map((k) => `\`${k}\``).join(', ')} (see ${'schemas/llamafactory-args.json'})`, 2);
  }
}

/**
 * A float as OmegaConf (YAML 1.1) reads it as a float: 1e-7 would be read as a string, so the
 * mantissa always carries a decimal point (1.0e-7).
 */
export function yamlFloat(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? '.nan' : value > 0 ? '.inf' : '-.inf';
  const text = String(value);
  const [mantissa, exponent] = text.split('e');
  if (exponent === undefined) return text;
  return `${mantissa!.includes('.') ? mantissa : `${mantissa}.0`}e${exponent.startsWith('-') || exponent.startsWith('+') ? exponent : `+${exponent}`}`;
}

const floatTag: ScalarTag = {
  identify: (v) => typeof v === 'number' && !Number.isInteger(v),
  default: true,
  tag: 'tag:yaml.org,2002:float',
  test: /^[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+]?[0-9]+)?$/,
  resolve: (s) => Number.parseFloat(s.replace(/_/g, '')),
  stringify: (item) => yamlFloat(Number((item as Scalar).value)),
};

/**
 * YAML that OmegaConf reads back to the same values: YAML 1.1 so strings such as "no", "on" or
 * "1e-3" are quoted (1.1 reads them as booleans / would differ), floats via yamlFloat.
 */
export function toLlamaFactoryYaml(cfg: Record<string, unknown>): string {
  return stringify(cfg, {
    version: '1.1',
    customTags: (tags: Tags): Tags => [floatTag, ...tags],
    lineWidth: 0,
  });
}

/** Writes `llamafactory.yaml` (atomically) into `dir` and returns its absolute path. */
export function writeTrainConfig(dir: string, cfg: Record<string, unknown>, fileName = TRAIN_CONFIG_FILE): string {
  const file = path.resolve(dir, fileName);
  writeFileAtomic(file, toLlamaFactoryYaml(cfg));
  return file;
}

/** DeepSpeed presets (train.deepspeed: z2 | z3), as in LLaMA-Factory's examples/deepspeed. */
export function deepspeedPreset(name: string): Record<string, unknown> | undefined {
  const common = {
    train_batch_size: 'auto',
    train_micro_batch_size_per_gpu: 'auto',
    gradient_accumulation_steps: 'auto',
    gradient_clipping: 'auto',
    zero_allow_untested_optimizer: true,
    fp16: { enabled: 'auto', loss_scale: 0, loss_scale_window: 1000, initial_scale_power: 16, hysteresis: 2, min_loss_scale: 1 },
    bf16: { enabled: 'auto' },
  };
  if (name === 'z2') {
    return {
      ...common,
      zero_optimization: {
        stage: 2,
        allgather_partitions: true,
        allgather_bucket_size: 500_000_000,
        overlap_comm: false,
        reduce_scatter: true,
        reduce_bucket_size: 500_000_000,
        contiguous_gradients: true,
        round_robin_gradients: true,
      },
    };
  }
  if (name === 'z3') {
    return {
      ...common,
      zero_optimization: {
        stage: 3,
        overlap_comm: false,
        contiguous_gradients: true,
        sub_group_size: 1_000_000_000,
        reduce_bucket_size: 'auto',
        stage3_prefetch_bucket_size: 'auto',
        stage3_param_persistence_threshold: 'auto',
        stage3_max_live_parameters: 1_000_000_000,
        stage3_max_reuse_distance: 1_000_000_000,
        stage3_gather_16bit_weights_on_model_save: true,
      },
    };
  }
  return undefined;
}
