// Entry of the 'descent/data' subpath: preprocessing (scalers, one-hot, splits) and the
// seeded synthetic data sets — kept out of the main entry's bundle (budget).
export * from './data/preprocess.js';
export * from './data/datasets.js';
