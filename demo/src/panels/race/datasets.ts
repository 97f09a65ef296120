// The 2-D data sets the race and the range test train on (from 'descent/data'), and the grid
// of points a decision surface is painted from. Both panels use the same sizes so a seed
// means the same points in each.
import { circles, spiral, xor } from 'descent/data';
import { gridPoints } from '../../ui/heatmap.js';

export const DATASETS = ['spiral', 'circles', 'xor'] as const;
export type DatasetName = (typeof DATASETS)[number];

export const SAMPLES = 300;
export const BOUNDS: [[number, number], [number, number]] = [[-1.3, 1.3], [-1.3, 1.3]];

export interface Dataset {
  x: Float32Array;
  y: Int32Array;
  classes: number;
}

/** The named set, seeded; an unknown name is an error the panel shows. */
export function makeDataset(name: string, seed: number): Dataset {
  const make = name === 'spiral' ? () => spiral({ samples: SAMPLES, classes: 3, seed }) : name === 'circles' ? () => circles({ samples: SAMPLES, seed }) : name === 'xor' ? () => xor({ samples: SAMPLES, seed }) : null;
  if (!make) throw new Error(`unknown data set "${name}" (expected one of ${DATASETS.join(', ')})`);
  const d = make();
  return { x: Float32Array.from(d.x.data), y: Int32Array.from(d.y), classes: d.classes };
}

/** n × n points covering BOUNDS, rows from the top (y max) down, as drawDecision reads them. */
export function gridInputs(n: number): Float32Array {
  return gridPoints(n, BOUNDS);
}
