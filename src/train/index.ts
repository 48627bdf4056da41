/**
 * The trainer's public API for the rest of dapt (stage runners, data selection, benchmarks).
 */
export { createFinetuneStep, createMlmTrainingStep, type ClassBatch, type StepOptions, type StepResult, type TrainingStep } from './step.ts';
export { syntheticClassBatch, syntheticMlmBatch } from './synthetic.ts';
export type { MlmBatch } from './data/batches.ts';
export { buildModel, disposeModel, exportWeights, type EncoderModel, type HeadKind } from './model/model.ts';
export { configFromArchitecture, parseHfConfig, toHfConfig, type ModelConfig } from './model/config.ts';
export { loadHfCheckpoint, saveHfCheckpoint } from './checkpoint/hf-dir.ts';
export { embedTexts } from './embed.ts';
export { scoreClassification, majorityClassScore, type ClassificationScores } from './metrics.ts';
export { TextTokenizer } from './tokenize/tokenizer.ts';
export { trainTokenizer } from './tokenize/train-tokenizer.ts';
