// schedule(): a checked schedule config for fit's `schedule` option, built into a Scheduler
// for the optimizer's own learning rate when the fit starts.
import { MONITORS } from '../names.js';
import { ConfigError } from '../errors.js';
import { mustBe } from '../util/must-be.js';
import { RULES } from './rules.js';
import { createScheduler } from './schedulers.js';
import type { Monitor, Schedule, Scheduler, SchedulerConfig } from '../types.js';


/**
 * A schedule for fit's `schedule` option: `config` as torch.optim.lr_scheduler takes it (camelCase),
 * plus `interval` ('epoch', the default, or 'step'; oneCycleLR and cyclicLR default to 'step') and, for
 * reduceLROnPlateau, `monitor`. Checked now against a unit learning rate (ConfigError naming
 * the field); built for the optimizer's own rate when fit starts.
 */
export function schedule(options: SchedulerConfig & { interval?: 'epoch' | 'step'; monitor?: Monitor }): Schedule {
  const path = 'options.schedule';
  if (typeof options !== 'object' || options === null) throw mustBe(path, `a schedule like { type: 'stepLR', stepSize: 10 }`, options);
  const { interval = defaultInterval(options.type), monitor, ...rest } = options;
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
    open: (o) => openFor(config, o, path),
  };
}

/** @internal Builds `config` for an optimizer's resolved options: its lr, and the momentum or β₁ (rules.ts `cycles`) a schedule may cycle. */
export function openFor(config: SchedulerConfig, o: Parameters<Schedule['open']>[0], path: string): Scheduler {
  const cycles = RULES[o.type].cycles ?? undefined;
  return createScheduler(config, o.lr, { baseMomentum: cycles && o[cycles], cycles, path });
}

/** @internal The interval a schedule steps at unless told: every optimizer step for oneCycleLR and cyclicLR, else every epoch. */
export const defaultInterval = (type: unknown): 'epoch' | 'step' => (type === 'oneCycleLR' || type === 'cyclicLR' ? 'step' : 'epoch');
