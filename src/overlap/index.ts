/** Domain similarity: vocabulary overlap between corpora (the paper's Figure 2) and its heatmap. */
export type { OverlapMatrix, OverlapSource, VocabularyStats } from './types.ts';
export { computeOverlap, overlapFromCounts, type OverlapOptions } from './vocabulary-overlap.ts';
export { overlapHeatmapSpec, renderOverlapHeatmap } from './heatmap.ts';
export { formatOverlap, formatSplitOverlap } from './format.ts';
