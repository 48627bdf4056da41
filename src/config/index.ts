/** The config layer's public API: read, validate and normalise experiment files. */
export { loadExperiment, loadExperimentOrThrow, decodeExperimentBytes } from './load.ts';
export { validateExperimentText, type RefResolver, type ValidateOptions } from './validate.ts';
export { formatIssues, issuesToJson, displayFile, type FormatOptions } from './format.ts';
export { resolveDataRoot } from './dataRoot.ts';
export { summarise, summaryLine, type ExperimentSummary } from './summary.ts';
export type * from './types.ts';
