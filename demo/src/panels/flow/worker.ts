// Worker half of the Gradient flow panel: builds the main network and, when comparing, its
// counterpart (same data, seed, depth, width and optimizer; another activation and
// initialiser), steps both in lockstep in the Loop, and posts what each report measured.
// A run stops by itself after STEP_BUDGET more steps (play extends it) or when a loss is no
// longer finite: nothing trains forever in a forgotten tab.
import { circles, spiral, xor, type Dataset } from 'descent/data';
import type { FromWorker, Handler, Port } from '../../worker/protocol.js';
import { Loop } from '../../worker/loop.js';
import { Run } from './run.js';
import { SAMPLES, type FlowSettings } from './settings.js';
import type { BuiltMessage, FlowFrame } from './messages.js';

export const STEP_BUDGET = 20_000;

let runs: Run[] = [];
let loop: Loop | null = null;
let build = 0;
let budget = STEP_BUDGET;
let stopped: string | null = null;

function dataset(s: FlowSettings): Dataset {
  const o = { samples: SAMPLES, noise: s.noise, seed: s.seed };
  if (s.data === 'circles') return circles(o);
  if (s.data === 'xor') return xor(o);
  if (s.data === 'spiral') return spiral(o);
  throw new Error(`unknown data set "${s.data}" (spiral, circles or xor)`);
}

function publish(port: Port): void {
  const transfer: Transferable[] = [];
  const frame: FlowFrame = { type: 'frame', build, running: loop?.running ?? false, stopped, runs: runs.map((r) => r.frame(transfer)) };
  port.post(frame as unknown as FromWorker, transfer);
}

function step(): boolean {
  if (runs[0].trainer.steps >= budget) {
    stopped = `paused after ${budget.toLocaleString('en')} steps: press play to go on`;
    return false;
  }
  let finite = true;
  for (const r of runs) finite = r.step() && finite;
  if (!finite) stopped = 'stopped: a loss is no longer finite (see the verdicts)';
  return finite;
}

async function init(s: FlowSettings, b: number, port: Port, play: boolean): Promise<void> {
  loop?.pause();
  for (const r of runs) r.dispose();
  runs = [];
  loop = null;
  build = b;
  stopped = null;
  budget = STEP_BUDGET;
  const data = dataset(s);
  const built: Run[] = [await Run.create(s, 0, data)];
  if (s.cmp) built.push(await Run.create(s, 1, data));
  if (build !== b) {
    // A newer init arrived while this one awaited: it owns the worker now.
    for (const r of built) r.dispose();
    return;
  }
  runs = built;
  const message: BuiltMessage = { type: 'built', build, classes: data.classes, sides: runs.map((r) => r.info), samples: SAMPLES };
  port.post(message as unknown as FromWorker);
  loop = new Loop({ step, publish: () => publish(port) });
  setSpeed(s.speed);
  if (play) loop.play();
  else loop.stepNow(0);
}

function setSpeed(stepsPerSecond: number): void {
  if (loop) loop.stepsPerSecond = stepsPerSecond > 0 ? stepsPerSecond : Infinity;
}

export const flow: Handler = async (m, port) => {
  if (m.type === 'init') return init(m.settings as FlowSettings, Number(m.build), port, m.play === true);
  if (!loop) return;
  if (m.type === 'speed') return setSpeed(Number(m.stepsPerSecond));
  if (m.type === 'play') {
    if (runs[0].trainer.steps >= budget) budget = runs[0].trainer.steps + STEP_BUDGET;
    if (stopped?.startsWith('stopped')) return;
    stopped = null;
    loop.play();
  } else if (m.type === 'pause') loop.pause();
  else if (m.type === 'step') {
    stopped = null;
    loop.stepNow(Number(m.steps ?? 1));
  }
};
