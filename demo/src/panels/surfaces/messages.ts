// What the surfaces panel and its worker say to each other. Functions (a surface's f and grad)
// cannot cross postMessage, so the worker sends plain data: each surface's description, f on a
// grid for the contours, and the paths as typed arrays (their buffers transferred).
import type { OptimizerConfig } from 'descent';

export type SurfaceId = 'quadratic' | 'rosenbrock' | 'saddle' | 'twoMinima';
export const SURFACE_IDS: readonly SurfaceId[] = ['quadratic', 'rosenbrock', 'saddle', 'twoMinima'];

export type Bounds = [[number, number], [number, number]];

/** A surface as the page sees it (SURFACES[id] without f and grad). */
export interface SurfaceInfo {
  id: SurfaceId;
  name: string;
  formula: string;
  start: [number, number];
  bounds: Bounds;
  minima: [number, number][];
  saddles: [number, number][];
}

/** f sampled on n × n points at the corners of a grid: row 0 is y max, column 0 is x min. */
export interface Grid {
  n: number;
  values: Float32Array;
  bounds: Bounds;
}

export interface PathResult {
  id: string;
  /** x0, y0, x1, y1, …: the start and the point after every update. */
  path: Float64Array;
  /** f at each point. */
  values: Float64Array;
  steps: number;
  status: 'ran' | 'diverged';
}

// page → worker
export interface PathsRequest { type: 'paths'; req: number; surface: SurfaceId; start: [number, number]; steps: number; rules: { id: string; optimizer: OptimizerConfig }[] }
export interface RestartsRequest { type: 'restarts'; req: number; surface: SurfaceId; n: number; seed: number; steps: number; optimizer: OptimizerConfig }
export interface LineFitRequest { type: 'lineFit'; req: number; epochs: number; lr: number; batchSize: number; seed: number }

// worker → page (type aliases: they fit the protocol's index signature)
export type CatalogueReply = { type: 'catalogue'; surfaces: SurfaceInfo[]; grids: Grid[] };
export type PathsReply = { type: 'paths'; req: number; surface: SurfaceId; results: PathResult[] };
export type RestartsReply = {
  type: 'restarts'; req: number; surface: SurfaceId;
  /** Every restart's path, one after another; `offsets[i]` is where restart i's points begin (in points). */
  points: Float32Array; offsets: Int32Array;
  /** Which of the surface's minima restart i ended at (−1: none, e.g. still on its way or diverged). */
  reached: Int32Array;
};
export type FitMode = 'batch' | 'stochastic' | 'mini-batch';
export type LineFitReply = {
  type: 'lineFit'; req: number;
  x: Float32Array; y: Float32Array;
  solution: { w: number; b: number };
  paths: Record<FitMode, Float64Array>;
  /** The mean squared error over (w, b), for the contours. */
  grid: Grid;
};
