// The 'descent/race' subpath: optimizers raced on clones of one network (lab/race.ts).
export { race, raceSync, type RaceEntry } from './lab/race.js';
export type { RaceOptions } from './types.js';
