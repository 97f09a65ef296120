// How each rule is drawn in the race: one colour and one dash pattern per rule, fixed by its
// name, so a rule looks the same in every race and no two rules share both (Okabe–Ito colours
// without the yellow, which is too pale on white for a thin line).
import type { OptimizerType } from 'descent';
import { PALETTE } from '../../ui/palette.js';

const SOLID: number[] = [], DASHED = [7, 4], DOTTED = [2, 3], DASH_DOT = [10, 3, 2, 3];

/** Picked by hand so the five rules raced by default get five different colours. */
const STYLES: Record<OptimizerType, RuleStyle> = {
  sgd: { color: PALETTE.blue, dash: SOLID },
  adagrad: { color: PALETTE.orange, dash: DASHED },
  rmsprop: { color: PALETTE.green, dash: DOTTED },
  adam: { color: PALETTE.vermillion, dash: SOLID },
  adamw: { color: PALETTE.purple, dash: DASHED },
  adamax: { color: PALETTE.black, dash: DOTTED },
  nadam: { color: PALETTE.black, dash: DASH_DOT },
  radam: { color: PALETTE.green, dash: DASH_DOT },
  adadelta: { color: PALETTE.sky, dash: SOLID },
};

export interface RuleStyle {
  color: string;
  /** uPlot / SVG dash pattern; empty = solid. */
  dash: number[];
}

export function ruleStyle(type: OptimizerType): RuleStyle {
  return STYLES[type] ?? { color: PALETTE.black, dash: SOLID };
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
