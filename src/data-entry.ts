// Entry of the 'descent/data' subpath: preprocessing (scalers, one-hot, splits) and the
// seeded synthetic data sets — kept out of the main entry's bundle (budget).
export * from './preprocess.js';
export * from './datasets.js';
