// Public entry point: exports only.
export { backends, setNumThreads, type Backends, type BinaryInfo, type CpuInfo, type CpuIsa, type CudaDevice } from './native.js';
export { TdMpcError, type TdMpcErrorCode } from './errors.js';
export { Tensor } from './nn/tensor.js';
export { type Device, resolveDevice } from './nn/device.js';
export * as ops from './nn/ops.js';
export {
  loadMujoco,
  listTasks,
  makeEnv,
  makeVectorEnv,
  DmcEnv,
  DmcVectorEnv,
  SyncVectorEnv,
  rescaleAction,
  box,
  renderEpisode,
  writeEpisodeSvg,
  tolerance,
  type Mujoco,
  type MakeEnvOptions,
  type VectorInfo,
  type VectorResetResult,
  type VectorStepResult,
  type EpisodeSvgOptions,
  type Sigmoid,
  type ToleranceOptions,
  type Box,
  type Env,
  type EnvFactory,
  type VectorEnv,
  type EnvInfo,
  type EnvState,
  type RenderOptions,
  type ResetOptions,
  type ResetResult,
  type StepResult,
} from './envs/index.js';
export { TDMPC2, type ActOptions, type BatchSource } from './agent/agent.js';
export type { Transition, ObserveResult } from './agent/observer.js';
export { AgentWorld, type QOptions, type QReduce } from './agent/world.js';
export type { Batch, UpdateInfo } from './agent/update.js';
export {
  Planner,
  PLANNER_STREAM_BASE,
  cpuFmaPeak,
  type PlannerOptions,
  type PlannerLayout,
  type PlannerDrawLayout,
} from './agent/planner.js';
export {
  DEFAULT_CONFIG,
  MODEL_SIZES,
  resolveConfig,
  type ModelSize,
  type ResolvedConfig,
  type TdMpc2Config,
  type TdMpc2Options,
} from './config.js';
export { ReplayBuffer, type ReplayBufferOptions, type EpisodeData } from './train/replay-buffer.js';
export {
  Trainer,
  type TrainerOptions,
  type EnvSource,
  type TrainerEvent,
  type TrainSummary,
  type LossAverages,
} from './train/trainer.js';
export { evaluateAgent, type EvalResult, type EvaluateOptions } from './train/evaluate.js';
export { consoleLogger, formatEvent, type ConsoleLoggerOptions, type LineSink } from './train/console-logger.js';
export {
  plotCurves,
  plotRuns,
  readEvalCurve,
  niceTicks,
  type CurvePoint,
  type CurveSeries,
  type PlotOptions,
} from './train/plot.js';
export { updateMacs, planMacs } from './model/flops.js';

// Multitask agents, offline training from datasets and finetuning (SPEC §11).
export { defaultTaskDim, multitaskShape, type TaskShape } from './config.js';
export { TaskEmbedding, type TaskRows } from './model/task-embedding.js';
export {
  MultitaskTrainer,
  taskShapes,
  type MultitaskTrainerOptions,
  type MultitaskEvent,
  type MultitaskEval,
  type MultitaskSummary,
} from './train/multitask-trainer.js';
export { OfflineTrainer, type OfflineTrainerOptions, type OfflineEvent, type OfflineSummary } from './train/offline-trainer.js';
export { finetuneAgent, type FinetuneSetup } from './train/finetune.js';
export { evaluateTask, normalizedScore } from './train/task-eval.js';
export {
  DatasetWriter,
  readEpisodes,
  readManifest,
  padEpisode,
  datasetFiles,
  DATASET_FORMAT,
  DATASET_VERSION,
  type DatasetManifest,
  type DatasetEpisode,
} from './io/dataset.js';
