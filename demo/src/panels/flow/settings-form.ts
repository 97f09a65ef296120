// The panel's controls, grouped: data, network, the comparison network, the optimizer (the
// shared optimizer form) and the diagnostics cadence. Every change is reported as a patch;
// `set` puts values back after a remedy, a preset or a pasted link, without firing changes.
import { ACTIVATIONS, INITS } from 'descent';
import { checkbox, group, numberField, select, slider, type Control } from '../../ui/controls.js';
import { flatDefaults, optimizerForm, type FlatOptimizer } from '../../ui/optimizer-form.js';
import { DATASETS, DEPTH_RANGE, SAMPLES, SPEEDS, WIDTH_RANGE, type FlowSettings } from './settings.js';

export interface SettingsForm {
  root: HTMLElement;
  set(s: FlowSettings): void;
}

const OPTIMIZER_KEYS = Object.keys(flatDefaults('sgd')) as (keyof FlatOptimizer)[];

/** Only the optimizer's keys: the optimizer form echoes back whatever record it was given. */
function optimizerPart(s: FlatOptimizer): FlatOptimizer {
  return Object.fromEntries(OPTIMIZER_KEYS.map((k) => [k, s[k]])) as FlatOptimizer;
}

const HIDDEN_ACTIVATIONS = ACTIVATIONS.filter((a) => a !== 'linear');
/** Which side the charts, histograms and table show (the comparison only when it runs). */
const FIG_SIDES = [['0', 'the main network'], ['1', 'the one beside it']] as const;

export function settingsForm(initial: FlowSettings, onChange: (patch: Partial<FlowSettings>) => void): SettingsForm {
  const controls: { key: keyof FlowSettings; control: Control<never> }[] = [];
  const add = <K extends keyof FlowSettings>(key: K, control: Control<FlowSettings[K]>) => {
    controls.push({ key, control: control as unknown as Control<never> });
    return control.root;
  };
  const s = initial;
  const data = group('Data',
    add('data', select({ label: 'data set', name: 'data', options: DATASETS, value: s.data as (typeof DATASETS)[number], onChange: (data) => onChange({ data }) })),
    add('noise', slider({ label: 'noise', name: 'noise', min: 0, max: 0.3, step: 0.01, value: s.noise, live: false, onChange: (noise) => onChange({ noise }) })),
    add('batch', numberField({ label: `batch size (of ${SAMPLES})`, name: 'batch', min: 1, max: SAMPLES, value: s.batch, onChange: (batch) => onChange({ batch }) })),
    add('seed', numberField({ label: 'seed', name: 'seed', min: 0, max: 2 ** 31 - 1, value: s.seed, onChange: (seed) => onChange({ seed }) })));
  const network = group('Network',
    add('depth', slider({ label: 'hidden layers', name: 'depth', min: DEPTH_RANGE[0], max: DEPTH_RANGE[1], value: s.depth, live: false, onChange: (depth) => onChange({ depth }) })),
    add('width', slider({ label: 'units per layer', name: 'width', min: WIDTH_RANGE[0], max: WIDTH_RANGE[1], value: s.width, live: false, onChange: (width) => onChange({ width }) })),
    add('act', select({ label: 'activation', name: 'act', options: HIDDEN_ACTIVATIONS, value: s.act as (typeof HIDDEN_ACTIVATIONS)[number], onChange: (act) => onChange({ act }) })),
    add('init', select({ label: 'initialiser', name: 'init', options: INITS, value: s.init as (typeof INITS)[number], onChange: (init) => onChange({ init }) })),
    add('bn', checkbox({ label: 'BatchNorm after each hidden layer (Linear → BatchNorm → activation)', name: 'bn', value: s.bn, onChange: (bn) => onChange({ bn }) })));
  const compare = group('Beside it',
    add('cmp', checkbox({ label: 'train a second network beside it (same data, seed, depth, width, optimizer)', name: 'cmp', value: s.cmp, onChange: (cmp) => onChange({ cmp }) })),
    add('cmpAct', select({ label: 'its activation', name: 'cmpAct', options: HIDDEN_ACTIVATIONS, value: s.cmpAct as (typeof HIDDEN_ACTIVATIONS)[number], onChange: (cmpAct) => onChange({ cmpAct }) })),
    add('cmpInit', select({ label: 'its initialiser', name: 'cmpInit', options: INITS, value: s.cmpInit as (typeof INITS)[number], onChange: (cmpInit) => onChange({ cmpInit }) })),
    add('cmpBn', checkbox({ label: 'its BatchNorm after each hidden layer', name: 'cmpBn', value: s.cmpBn, onChange: (cmpBn) => onChange({ cmpBn }) })));
  const optimizer = optimizerForm({ value: optimizerPart(s), onChange: (flat) => onChange(optimizerPart(flat)) });
  const speed = select({ label: 'speed', name: 'speed', options: SPEEDS, value: String(s.speed) as (typeof SPEEDS)[number][0], onChange: (v) => onChange({ speed: Number(v) }) });
  // The select holds strings; the setting is a number.
  add('speed', { root: speed.root, input: speed.input, get: () => Number(speed.get()), set: (v) => speed.set(String(v) as (typeof SPEEDS)[number][0]) });
  const fig = select({ label: 'figures below show', name: 'fig', options: FIG_SIDES, value: String(s.fig) as (typeof FIG_SIDES)[number][0], onChange: (v) => onChange({ fig: Number(v) }) });
  add('fig', { root: fig.root, input: fig.input, get: () => Number(fig.get()), set: (v) => fig.set(String(v) as (typeof FIG_SIDES)[number][0]) });
  const diagnostics = group('Pace and diagnostics',
    speed.root,
    fig.root,
    add('every', slider({ label: 'report every (steps)', name: 'every', min: 1, max: 50, value: s.every, live: false, onChange: (every) => onChange({ every }) })));
  const root = document.createElement('div');
  root.className = 'flow-settings';
  root.append(network, compare, data, optimizer.root, diagnostics);
  return {
    root,
    set(v) {
      for (const { key, control } of controls) control.set(v[key] as never);
      optimizer.set(optimizerPart(v));
    },
  };
}
