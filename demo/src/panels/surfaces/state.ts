// The panel's state in the URL hash (prefix `ls`): every control of the three figures. Only
// values that differ from these defaults are written, so the bare page has a short hash.
import { DEFAULT_RULES } from './rules.js';

export const SURFACES_DEFAULTS = {
  // Explorer: surface, hyper-parameters, start ('' = the surface's own), rules shown.
  surface: 'quadratic', lr: 0.02, beta: 0.9, steps: 150, start: '', rules: DEFAULT_RULES.join(','),
  // Least-squares line fit.
  fitLr: 0.05, fitBatch: 8, fitEpochs: 20, fitSeed: 1,
  // Random restarts.
  rsSurface: 'twoMinima', rsRule: 'sgd', rsLr: 0.05, rsBeta: 0.9, rsSteps: 200, rsN: 24, rsSeed: 1,
};

export type SurfacesState = typeof SURFACES_DEFAULTS;
