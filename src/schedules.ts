// Entry of the 'descent/schedules' subpath: learning-rate schedules for fit, kept out of the
// main entry's bundle (budget) — `fit` only drives the Scheduler interface it is handed.
import { MONITORS } from './codes.js';
import { describe } from './describe.js';
import { ConfigError } from './errors.js';
import { mustBe } from './must-be.js';
import { createScheduler, type SchedulerConfig } from './schedulers.js';
import type { Monitor, Schedule } from './types.js';

export { createScheduler, restoreScheduler, schedulerDefaults, SCHEDULER_TYPES } from './schedulers.js';
export type { Scheduler, SchedulerConfig, SchedulerState, SchedulerType } from './schedulers.js';

/**
 * A schedule for fit's `schedule` option: `config` as torch.optim.lr_scheduler takes it (camelCase),
 * plus `interval` ('epoch', the default, or 'step'; oneCycleLR defaults to 'step') and, for
 * reduceLROnPlateau, `monitor`. Checked now against a unit learning rate (ConfigError naming
 * the field); built for the optimizer's own rate when fit starts.
 */
export function schedule(options: SchedulerConfig & { interval?: 'epoch' | 'step'; monitor?: Monitor }): Schedule {
  const path = 'options.schedule';
  if (typeof options !== 'object' || options === null) throw mustBe(path, `a schedule like { type: 'stepLR', stepSize: 10 }`, options);
  const { interval = options.type === 'oneCycleLR' ? 'step' : 'epoch', monitor, ...rest } = options;
  const config = rest as SchedulerConfig;
  if (interval !== 'epoch' && interval !== 'step') throw mustBe(`${path}.interval`, `'epoch' or 'step'`, interval);
  if (monitor !== undefined) {
    if (config.type !== 'reduceLROnPlateau') throw new ConfigError(`${path}.monitor only applies to reduceLROnPlateau`, `${path}.monitor`, monitor);
    if (!MONITORS.includes(monitor)) throw mustBe(`${path}.monitor`, `one of ${MONITORS.join(', ')}`, monitor);
  }
  // Validates every option now; momentum-dependent checks wait for the optimizer.
  createScheduler(config, 1, { baseMomentum: 0.9, path });
  return {
    config,
    interval,
    monitor: config.type === 'reduceLROnPlateau' ? monitor : null,
    open: (baseLr, baseMomentum) => createScheduler(config, baseLr, { baseMomentum, path }),
  };
}
