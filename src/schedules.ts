// The 'descent/schedules' subpath: learning-rate schedules for fit, kept out of the main
// entry's bundle (budget) — `fit` only drives the Scheduler interface it is handed.
export { schedule } from './optim/schedule.js';
export { createScheduler, restoreScheduler, schedulerDefaults, SCHEDULER_TYPES } from './optim/schedulers.js';
export type { Scheduler, SchedulerConfig, SchedulerState, SchedulerType } from './types.js';
