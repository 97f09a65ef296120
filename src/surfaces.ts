// The 'descent/surfaces' subpath: two-parameter loss surfaces and a least-squares line fit,
// stepped by the real optimizer kernels (lab/surfaces.ts).
export { leastSquaresLab, runSurface, SURFACES, type LeastSquaresLab, type Surface, type SurfacePath } from './lab/surfaces.js';
