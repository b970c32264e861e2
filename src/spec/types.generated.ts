/* Generated from schemas/experiment.schema.json by `npm run gen`. Do not edit. */

/**
 * Which bin to keep: `low`, `medium`, `high` (three bins), `lowest`/`highest`, or a 1-based bin number.
 */
export type BinChoice = ('low' | 'medium' | 'high' | 'lowest' | 'highest') | number;

/**
 * An ablate experiment: seed data, a property filter, a sweep of arms, training, evaluation, execution and reporting.
 */
export interface ExperimentSpec {
  /**
   * Experiment name; names the results and the lock file.
   */
  name: string;
  /**
   * Free text shown in reports.
   */
  description?: string;
  /**
   * Root seed. Every random choice derives a named seed from it, so adding an arm never changes another arm.
   */
  seed?: number;
  /**
   * A base spec (path relative to this file) deep-merged under this one; lists are replaced, not concatenated. Relative paths in a base resolve against the base's own folder.
   */
  extends?: string;
  /**
   * Named seed datasets. `data.source` and `data.filter.cross_domain.mix` refer to these names.
   */
  sources: {
    [k: string]: Source;
  };
  annotate?: Annotate;
  data: Data;
  sweep?: Sweep;
  train?: Train;
  eval?: Eval;
  execute?: Execute;
  track?: Track;
  report?: Report;
}
/**
 * One seed dataset: a local file (`path`) or a Hugging Face dataset (`hf` + `revision`).
 */
export interface Source {
  /**
   * Local file relative to the spec: .json (array), .jsonl, .jsonl.gz, .json.gz, .parquet or .csv.
   */
  path?: string;
  /**
   * Hugging Face dataset id, e.g. ise-uiuc/Magicoder-Evol-Instruct-110K.
   */
  hf?: string;
  /**
   * Commit sha or tag of the Hugging Face dataset; pin it for reproducibility.
   */
  revision?: string;
  /**
   * Split of the Hugging Face dataset.
   */
  split?: string;
  /**
   * File inside the Hugging Face dataset repository to read (default: every data file of the split).
   */
  file?: string;
  /**
   * Field-mapping preset.
   */
  format?: 'alpaca' | 'evol-instruct' | 'oss-instruct' | 'gsm8k' | 'mathinstruct' | 'sharegpt';
  /**
   * Explicit field mapping (overrides the preset): canonical name → the source's field name.
   */
  fields?: {
    instruction?: string;
    input?: string;
    output?: string;
    messages?: string;
    /**
     * Column holding a precomputed complexity score (for `annotate.complexity.method: field`).
     */
    complexity?: string;
    /**
     * Column holding a precomputed task category (for `annotate.task_type.method: field`).
     */
    task_type?: string;
  };
  /**
   * Domain of the records; cross-domain mixing draws `general` and `math` sources into code data.
   */
  domain?: 'code' | 'general' | 'math';
  /**
   * Malformed records (invalid JSON, a JSONL line that is not valid UTF-8, missing fields): `fail` stops with file, line and column (and the byte offset of invalid UTF-8); `skip` drops and counts them. Invalid UTF-8 in a .json or .csv file always stops: its records cannot be told apart.
   */
  on_error?: 'fail' | 'skip';
  /**
   * Read only the first N records (after parsing).
   */
  limit?: number;
}
/**
 * How records are scored. Annotations are cached per record content hash and annotator config.
 */
export interface Annotate {
  complexity?: ComplexityAnnotator;
  embedding?: EmbeddingAnnotator;
  task_type?: TaskTypeAnnotator;
}
export interface ComplexityAnnotator {
  /**
   * `heuristic`: built-in length/structure proxy (fast, not a model). `field`: a precomputed column (`sources.*.fields.complexity`). `endpoint`: an OpenAI-compatible completions server running the XCoder scorer. `python`: study B exactly (XCoder score + GPT-2 perplexity) in runners/.
   */
  method?: 'heuristic' | 'field' | 'endpoint' | 'python';
  /**
   * Scorer prompt and scale for `endpoint`/`python`: `xcoder` (study B: XCoder prompt, weights 0..5) or `deita` (study A: DEITA problem prompt, weights 1..6).
   */
  preset?: 'xcoder' | 'deita';
  /**
   * Scorer model id or local folder (endpoint/python).
   */
  model?: string;
  /**
   * Perplexity model id or local folder (python).
   */
  perplexity_model?: string;
  /**
   * Base URL of the completions server (endpoint).
   */
  url?: string;
  /**
   * How the semantic score and perplexity are combined: study B `mean` of min-max normalized values, study A `sum`.
   */
  combine?: 'mean' | 'sum' | 'semantic' | 'perplexity';
  /**
   * Sanity gate run before any training: stop when scores are degenerate.
   */
  gate?: {
    min_std?: number;
    /**
     * Largest allowed share of records with one identical score (a fallback value).
     */
    max_mode_share?: number;
  };
}
export interface EmbeddingAnnotator {
  /**
   * `transformers`: transformers.js ONNX model. `python`: sentence-transformers / INSTRUCTOR runner. `file`: precomputed vectors.
   */
  method?: 'transformers' | 'python' | 'file';
  /**
   * Model id (resolved in the local model cache) or local folder.
   */
  model?: string;
  /**
   * Instruction prefix prepended to each text, as INSTRUCTOR uses.
   */
  prefix?: string;
  /**
   * Which record text is embedded.
   */
  text?: 'instruction' | 'output' | 'instruction+output';
  /**
   * Precomputed vectors (file method): .npy float32 or .jsonl of {id, vector}.
   */
  path?: string;
  batch_size?: number;
  pooling?: 'mean' | 'cls';
}
export interface TaskTypeAnnotator {
  /**
   * `embedding`: study B (embed category descriptions and tasks, cosine argmax). `keywords`: keyword rules. `field`: a precomputed column.
   */
  method?: 'embedding' | 'keywords' | 'field';
  /**
   * Embedding model for `embedding` (defaults to annotate.embedding.model).
   */
  model?: string;
  /**
   * A preset name (`seed-b-10`: study B's ten categories and algorithmic/practical grouping) or an explicit list.
   */
  categories?:
    | 'seed-b-10'
    | [
        {
          name: string;
          group: string;
          description?: string;
          keywords?: string[];
        },
        {
          name: string;
          group: string;
          description?: string;
          keywords?: string[];
        },
        ...{
          name: string;
          group: string;
          description?: string;
          keywords?: string[];
        }[]
      ];
  category_prompt?: string;
  task_prompt?: string;
}
/**
 * Which records each arm trains on. Filters apply in a fixed order: complexity → composition → diversity → cross_domain → size.
 */
export interface Data {
  /**
   * Name of the seed source under `sources`.
   */
  source: string;
  filter?: Filter;
  /**
   * Final number of records (sampled without replacement with a derived seed). Omit to keep all.
   */
  size?: number;
  /**
   * Drop records that contain a benchmark problem, as StarCoder's decontamination does: its prompt by word n-grams, or one of its reference solutions or test assertions whole after normalization (lower-cased, whitespace removed). Benchmark files come from `paths` or the cache `ablate fetch` fills. The data card lists every removed record.
   */
  decontaminate?: {
    /**
     * @minItems 1
     */
    benchmarks: [
      'humaneval' | 'humanevalplus' | 'mbpp' | 'mbppplus' | 'ds1000' | 'apps' | 'gsm8k' | 'livecodebench',
      ...('humaneval' | 'humanevalplus' | 'mbpp' | 'mbppplus' | 'ds1000' | 'apps' | 'gsm8k' | 'livecodebench')[]
    ];
    /**
     * Word n-gram length of the prompt rule.
     */
    ngram?: number;
    /**
     * Which rules remove a record: `prompt` (a shared word n-gram with a problem statement), `solution` (a reference solution contained whole), `test` (a test assertion contained whole).
     *
     * @minItems 1
     */
    rules?: ['prompt' | 'solution' | 'test', ...('prompt' | 'solution' | 'test')[]];
    /**
     * Shortest normalized solution or test matched, in characters: shorter ones (`return x + y`) match honest records. The default keeps the removal rate on untouched instruction data under 1% (measured in the README).
     */
    min_chars?: number;
    /**
     * LiveCodeBench by date: only problems released on or after this date (YYYY-MM-DD, the training data's collection date) count. With `livecodebench` among the benchmarks it is required, the LiveCodeBench evaluation must not start earlier (`eval.args.start_date`), and a local problem file (`paths.livecodebench`, lcb_runner's fields) is decontaminated against its problems from that date on.
     */
    livecodebench_cutoff?: string;
    /**
     * Local benchmark files (benchmark → path relative to the spec).
     */
    paths?: {
      [k: string]: string;
    };
  };
  /**
   * Remove exact duplicate records (by content hash).
   */
  dedup?: boolean;
}
export interface Filter {
  /**
   * Keep one complexity bin: quantile bins (`bins`, study B: 3 equal slices by sorted score), explicit score `thresholds`, or score `percentiles`.
   */
  complexity?: {
    bins?: number;
    /**
     * Ascending score cut points; bin i holds scores in [t(i-1), t(i)).
     *
     * @minItems 1
     */
    thresholds?: [number, ...number[]];
    /**
     * Strictly ascending percentiles in (0, 100) of the complexity scores, e.g. [33, 66]; percentiles.length + 1 bins. Each cut point is numpy's default `np.percentile` (linear interpolation) of the scores; bin i holds scores in (cut(i-1), cut(i)], the lowest bin [min, cut(0)]: a score equal to a cut joins the lower bin. Not together with `thresholds`, nor with a `bins` other than percentiles.length + 1.
     *
     * @minItems 1
     */
    percentiles?: [number, ...number[]];
    keep: BinChoice;
  };
  /**
   * Task-type group ratios (summing to 1) of the subset, e.g. algorithmic:practical.
   */
  composition?: {
    groups: {
      [k: string]: number;
    };
    /**
     * Subset size of the mixer (study B: 20000); defaults to data.size.
     */
    size?: number;
    /**
     * When a group has too few records: `error`, or `fill` from the other groups (study B).
     */
    shortfall?: 'error' | 'fill';
  };
  /**
   * Keep one semantic-diversity level: tertiles of 1 − mean cosine similarity (study B), percentile cuts of it (`percentiles`, study A), kNN local density, or DEITA greedy selection.
   */
  diversity?: {
    method?: 'mean-similarity' | 'knn-density' | 'greedy';
    levels?: number;
    /**
     * Strictly ascending percentiles in (0, 100) of the diversity score (higher = more diverse), e.g. [34, 67]; percentiles.length + 1 levels, level 1 the least diverse. A score equal to a cut joins the upper (more diverse) level: level i holds [cut(i-1), cut(i)), the highest [cut(last), max]. The cut at p is numpy's default `np.percentile` (linear) at 100 − p of the scores counted from the most diverse end, i.e. the (100 − p)-th percentile of mean similarity carried over to diversity = 1 − similarity. So study A's cut (LOW = mean similarity above its 66th percentile, HIGH = at or below its 33rd) is exactly `percentiles: [34, 67]` with `keep: low` / `keep: high`. Not with `greedy`, nor with a `levels` other than percentiles.length + 1.
     *
     * @minItems 1
     */
    percentiles?: [number, ...number[]];
    keep: BinChoice;
    /**
     * Neighbours for knn-density.
     */
    k?: number;
    /**
     * greedy: keep a record only if its cosine similarity to every kept one is at most this.
     */
    threshold?: number;
    /**
     * greedy: find each record's nearest kept record on an HNSW index (USearch, M 16, efConstruction 100, efSearch 64) instead of exactly. Faster on very large sets, but near-duplicates the index misses get in, so the kept set depends on index parameters; the data card then reports the index's recall@1 against exact search on a sample. Without it the selection is DEITA's exact rule (cosine in float64). knn-density always uses the index and reports its recall@k the same way.
     */
    approximate?: boolean;
  };
  /**
   * Mix records of other sources into the code data: `mix` maps a source name to its share of the final subset.
   */
  cross_domain?: {
    mix: {
      [k: string]: number;
    };
    /**
     * Study B's keyword filter: drop non-code records whose instruction or output contains code-like tokens.
     */
    drop_code_like?: boolean;
  };
}
/**
 * Arms of the experiment, GitHub-Actions-matrix style. Keys are dotted paths into the spec.
 */
export interface Sweep {
  /**
   * Cartesian product: path → list of values.
   */
  grid?: {
    /**
     * @minItems 1
     */
    [k: string]: [unknown, ...unknown[]];
  };
  /**
   * Paired axes: path → list; all lists have equal length and advance together (one axis of the grid).
   */
  zip?: {
    /**
     * @minItems 1
     */
    [k: string]: [unknown, ...unknown[]];
  };
  /**
   * Extra runs, each a map of path → value applied to the base spec (for example a baseline arm).
   */
  include?: {}[];
  /**
   * Drop grid runs whose values match every path → value given.
   */
  exclude?: {}[];
  /**
   * Independent re-samples of each arm, each with a derived sampling seed.
   */
  repeat?: number;
  /**
   * Short labels for axes in run names: path → label.
   */
  names?: {
    [k: string]: string;
  };
}
export interface Train {
  tool?: 'llamafactory';
  /**
   * Base model: Hugging Face id, local folder (relative to the spec, starting with ./ or ../), or `builtin:tiny-llama` (a tiny random Llama built locally, for CPU smoke runs).
   */
  model: string;
  /**
   * Model revision (commit sha) to pin.
   */
  revision?: string;
  /**
   * LLaMA-Factory chat template (deepseek, qwen, llama3, default, ...). Always set: LLaMA-Factory falls back to `empty` silently.
   */
  template?: string;
  finetuning?: 'lora' | 'full' | 'freeze' | 'oft';
  /**
   * Extra LLaMA-Factory arguments, checked against its own names and types (all listed below the table). ablate sets model_name_or_path, model_revision, template, finetuning_type, deepspeed, dataset, dataset_dir, output_dir, stage, do_train and overwrite_output_dir itself (from train.* and the stage), and defaults report_to: none, plot_loss: true, logging_steps: 10, save_steps: 500.
   */
  args?: {};
  /**
   * DeepSpeed config: a JSON file relative to the spec, or a preset z2 | z3.
   */
  deepspeed?: string;
  /**
   * GPUs per training stage.
   */
  gpus?: number;
  /**
   * Merge LoRA adapters into full weights after training (needed by evaluators that load one folder).
   */
  merge?: boolean;
  /**
   * Nodes one training stage runs on (SLURM; default 1): LLaMA-Factory starts on each through srun, with torchrun's rendezvous from SLURM. No default is filled in, so specs without it keep their stage ids.
   */
  nodes?: number;
  /**
   * GPUs on each node of a multi-node training (default: train.gpus).
   */
  gpus_per_node?: number;
  resources?: Resources;
}
/**
 * SLURM resources of this kind's jobs, overriding execute.slurm (time, memory, partition, ...). They do not change what is computed, so not the stage ids.
 */
export interface Resources {
  partition?: string;
  time?: string;
  gres?: string;
  cpus_per_task?: number;
  mem?: string;
  account?: string;
  qos?: string;
  /**
   * Extra #SBATCH lines for this kind's jobs.
   */
  directives?: string[];
}
export interface Eval {
  /**
   * Evaluator: a registered evaluation adapter (src/tools/evalAdapter.ts); built in: bigcode, evalplus, livecodebench, local.
   */
  tool?: string;
  /**
   * Tasks of the chosen tool, e.g. humaneval, mbpp, humanevalplus, multiple-java.
   *
   * @minItems 1
   */
  tasks: [string, ...string[]];
  /**
   * Arguments of the evaluation tool; each tool's are listed below the table with types and defaults (schemas/eval-args.schema.json).
   */
  args?: {};
  /**
   * Path to the evaluator's clone, for the tools that are not on PyPI: a bigcode-evaluation-harness clone (or env ABLATE_BIGCODE_HARNESS), or a LiveCodeBench clone (or env ABLATE_LIVECODEBENCH). Its commit and local edits are part of the evaluation's id.
   */
  harness?: string;
  /**
   * Local problem file (HumanEval-format .jsonl or .jsonl.gz) for the `local` tool and offline evaluation.
   */
  problems?: string;
  /**
   * Evaluate only the first N problems of each task.
   */
  limit?: number;
  gpus?: number;
  resources?: Resources;
}
export interface Execute {
  executor?: 'local' | 'slurm';
  /**
   * GPU ids the local executor schedules onto.
   */
  gpus?: number[];
  /**
   * CPU stages run at once.
   */
  cpu_slots?: number;
  /**
   * Results root (relative to the working directory).
   */
  results?: string;
  slurm?: {
    partition?: string;
    time?: string;
    gres?: string;
    gpus_per_node?: number;
    cpus_per_task?: number;
    mem?: string;
    account?: string;
    qos?: string;
    /**
     * Extra #SBATCH lines, e.g. --constraint=a100.
     */
    directives?: string[];
    /**
     * Lines run before the stage (module load ...).
     */
    setup?: string[];
    /**
     * Jobs of one job array that run at once (sbatch --array=...%N).
     */
    max_running?: number;
    /**
     * Submit with --requeue and --signal=B:USR1@120: a preempted or timed-out training stage checkpoints and resumes from its last checkpoint when requeued.
     */
    requeue?: boolean;
  };
  /**
   * Throughputs for the GPU-hour estimate of `ablate plan` (measured ones from finished stages win).
   */
  cost?: {
    /**
     * Training tokens one GPU processes per second (measured from finished train stages when there are any).
     */
    train_tokens_per_gpu_second?: number;
    /**
     * GPU-hours of one evaluation stage (measured from finished eval stages when there are any).
     */
    eval_gpu_hours?: number;
    /**
     * Mean tokens of a training record where ablate cannot measure it (a hub source not yet materialized).
     */
    tokens_per_record?: number;
    /**
     * Approximate record count of each hub source (name → records), for estimating before anything is downloaded.
     */
    source_records?: {
      [k: string]: number;
    };
  };
}
/**
 * Experiment tracking: one tracker run per ablate run (tags: axis values, run id, stage ids, spec name; params: resolved train/eval/data settings; metrics: what `ablate results --format json` shows; the data card, the lock file and the run's results as artifacts; the loss curve from LLaMA-Factory's own report_to). Nothing is sent unless this block or `--track` asks. Never changes a stage or run id.
 */
export interface Track {
  mlflow?: {
    /**
     * MLflow tracking URI: a server (http://host:5000) or a local store (sqlite:///mlflow.db, file:./mlruns).
     */
    uri: string;
    /**
     * MLflow experiment the runs go into (default: the spec's name), created if missing.
     */
    experiment?: string;
  };
  wandb?: {
    /**
     * Weights & Biases project; the runs of one spec form a group named after the spec.
     */
    project: string;
    /**
     * W&B entity (user or team); default: the logged-in user's.
     */
    entity?: string;
    /**
     * `online` sends as it goes; `offline` writes run folders under <results>/experiments/<name>/wandb/ for a later `wandb sync` (clusters without internet).
     */
    mode?: 'online' | 'offline';
  };
}
export interface Report {
  /**
   * The arm others are compared with: path → value.
   */
  baseline?: {};
  /**
   * Metrics to show, e.g. humaneval.pass@1.
   */
  metrics?: string[];
  /**
   * Allowed distance (percentage points) from reference numbers.
   */
  tolerance?: number;
  /**
   * Published numbers to compare with.
   */
  reference?: {
    /**
     * path → value identifying the arm.
     */
    arm: {};
    metric: string;
    value: number;
    note?: string;
  }[];
}
