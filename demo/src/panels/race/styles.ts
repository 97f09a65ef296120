// How each rule is drawn in the race: one colour and one dash pattern per rule, fixed by its
// place in OPTIMIZERS, so a rule looks the same in every race and no two rules share both
// (Okabe–Ito colours without the yellow, which is too pale on white for a thin line).
import { OPTIMIZERS, type OptimizerType } from 'descent';
import { PALETTE } from '../../ui/palette.js';

const COLOURS = [PALETTE.blue, PALETTE.orange, PALETTE.green, PALETTE.vermillion, PALETTE.purple, PALETTE.sky, PALETTE.black];
const DASHES: number[][] = [[], [7, 4], [2, 3], [10, 3, 2, 3]];

export interface RuleStyle {
  color: string;
  /** uPlot / SVG dash pattern; empty = solid. */
  dash: number[];
}

export function ruleStyle(type: OptimizerType): RuleStyle {
  const i = Math.max(0, OPTIMIZERS.indexOf(type));
  return { color: COLOURS[i % COLOURS.length], dash: DASHES[i % DASHES.length] };
}

/** A short line sample in the rule's colour and dash, for captions and the table. */
export function swatch(type: OptimizerType): SVGSVGElement {
  const { color, dash } = ruleStyle(type);
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('width', '28');
  svg.setAttribute('height', '10');
  svg.setAttribute('aria-hidden', 'true');
  const line = document.createElementNS(ns, 'line');
  Object.entries({ x1: '1', y1: '5', x2: '27', y2: '5', stroke: color, 'stroke-width': '2.5', 'stroke-dasharray': dash.join(' ') }).forEach(([k, v]) => line.setAttribute(k, v));
  svg.append(line);
  return svg;
}
