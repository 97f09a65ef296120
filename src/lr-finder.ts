// The 'descent/lr-finder' subpath: Smith's learning-rate range test (lab/lr-finder.ts).
export { findLearningRate } from './lab/lr-finder.js';
export type { LrFinderOptions, LrFinderResult } from './types.js';
