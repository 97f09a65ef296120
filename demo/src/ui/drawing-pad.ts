// The drawing pad: draw a digit (mouse, pen, finger, or the keyboard's pen cursor) and see the
// network's class probabilities beside it. The pad hands its owner the drawing as a 28 × 28
// MNIST-style image (ui/digit-image.ts) at most once per animation frame while drawing and once
// when a stroke ends; the owner predicts and calls setProbabilities. The pad never predicts.
import { button, el } from './controls.js';
import { DIGIT_SIDE, toMnistPixels } from './digit-image.js';
import { PALETTE } from './palette.js';

/** The ink canvas's size in its own pixels, whatever its size on screen. */
const INK_SIDE = 280;
/** Thick strokes: at this width a digit drawn across most of the pad has MNIST's ~2 px pen. */
const PEN_WIDTH = INK_SIDE / 13;
/** Keyboard pen steps: about one MNIST pixel, three with Shift. */
const KEY_STEP = INK_SIDE / DIGIT_SIDE;
/** The spoken summary waits for the probabilities to settle, not one announcement per frame. */
const SUMMARY_DELAY_MS = 500;

const pct = (p: number): string => (p >= 0.995 ? '100%' : p < 0.005 ? '<1%' : `${Math.round(p * 100)}%`);

let nextPad = 0;

export interface DrawingPadOptions {
  /** The drawing as 784 values in [0, 1] (28 × 28, row-major); not called for an empty pad. */
  onChange(pixels: Float32Array): void;
}

export class DrawingPad {
  readonly root: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly view: CanvasRenderingContext2D;
  private readonly ink: CanvasRenderingContext2D;
  private readonly seen: CanvasRenderingContext2D;
  private readonly output: HTMLOutputElement;
  private readonly summary: HTMLElement;
  private readonly spoken: HTMLElement;
  private readonly bars: { row: HTMLElement; bar: HTMLElement; fill: HTMLElement; text: HTMLElement }[] = [];
  private readonly onChange: (pixels: Float32Array) => void;
  /** Pen position in ink pixels and whether it touches the paper. */
  private pen = { x: INK_SIDE / 2, y: INK_SIDE / 2, down: false };
  /**
   * The stroke being drawn: the ink before it and its points. It is painted again as one path
   * each frame, so its joints are smooth (segment by segment, their anti-aliased edges pile up).
   */
  private stroke: { before: ImageData; points: { x: number; y: number }[] } | null = null;
  private keyboard = false;
  private pointerId: number | null = null;
  private frame = 0;
  private dirty = false;
  private summaryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(o: DrawingPadOptions) {
    this.onChange = o.onChange;
    const n = nextPad++;
    const helpId = `drawing-pad-help-${n}`;

    const ink = el('canvas', { width: INK_SIDE, height: INK_SIDE });
    this.ink = ink.getContext('2d', { willReadFrequently: true })!;
    this.ink.lineCap = 'round';
    this.ink.lineJoin = 'round';
    this.ink.lineWidth = PEN_WIDTH;
    this.ink.strokeStyle = this.ink.fillStyle = PALETTE.black;

    // The visible canvas: the ink plus the keyboard cursor, sharp on high-density screens.
    const density = Math.min(2, Math.max(1, Math.round(globalThis.devicePixelRatio || 1)));
    this.canvas = el('canvas', { width: INK_SIDE * density, height: INK_SIDE * density, className: 'pad', tabIndex: 0 });
    this.canvas.setAttribute('role', 'application');
    this.canvas.setAttribute('aria-label', 'Drawing pad: draw a digit from 0 to 9');
    this.canvas.setAttribute('aria-describedby', helpId);
    this.view = this.canvas.getContext('2d')!;

    const seen = el('canvas', { width: DIGIT_SIDE, height: DIGIT_SIDE, className: 'seen' });
    seen.setAttribute('role', 'img');
    seen.setAttribute('aria-label', 'The drawing as the network sees it: 28 by 28 pixels, centred');
    this.seen = seen.getContext('2d')!;

    this.output = el('output', { name: 'prediction', className: 'prediction' });
    this.output.setAttribute('aria-label', 'Predicted digit');
    // <output> is a polite live region by default; the spoken summary below is the one to hear.
    this.output.setAttribute('aria-live', 'off');
    // The summary is shown at once but spoken once it settles: a live region changed on every
    // frame of a stroke would talk over itself. Screen readers read only the spoken copy.
    this.summary = el('p', { className: 'pad-summary' });
    this.summary.setAttribute('aria-hidden', 'true');
    this.spoken = el('p', { className: 'visually-hidden' });
    this.spoken.setAttribute('aria-live', 'polite');

    const probs = el('ol', { className: 'probs' });
    probs.setAttribute('aria-label', 'Probability of each digit');
    for (let d = 0; d < 10; d++) {
      const fill = el('span', { className: 'fill' });
      const bar = el('span', { className: 'bar' }, fill);
      bar.dataset.digit = String(d);
      const text = el('span', { className: 'pct' });
      const row = el('li', {}, el('span', { className: 'digit' }, String(d)), bar, text);
      row.dataset.digit = String(d);
      probs.append(row);
      this.bars.push({ row, bar, fill, text });
    }

    this.root = el('div', { className: 'drawing-pad' },
      el('div', { className: 'pad-draw' },
        this.canvas,
        el('p', { className: 'pad-help', id: helpId },
          'Draw with the mouse, a pen or a finger. Keyboard: arrow keys move the pen (Shift: faster), Space or Enter puts it down or lifts it, Delete clears.'),
        el('div', { className: 'toolbar' }, button('Clear', () => this.clear(), { name: 'clear', title: 'Wipe the pad' }))),
      el('div', { className: 'pad-result' },
        el('p', { className: 'pad-verdict' }, 'Prediction ', this.output),
        this.summary,
        this.spoken,
        probs,
        el('figure', { className: 'pad-seen' }, seen, el('figcaption', {}, 'What the network sees (28 × 28)'))));

    this.listen();
    this.clear();
  }

  /** Wipes the drawing and shows the empty state (the owner is not called: there is nothing to predict). */
  clear(): void {
    this.endStroke(false);
    this.pen = { x: INK_SIDE / 2, y: INK_SIDE / 2, down: false };
    this.ink.clearRect(0, 0, INK_SIDE, INK_SIDE);
    this.seen.fillStyle = '#fff';
    this.seen.fillRect(0, 0, DIGIT_SIDE, DIGIT_SIDE);
    this.dirty = false;
    this.render();
    this.setProbabilities(null);
  }

  /** Shows the class probabilities (10 values), or the empty state for null. */
  setProbabilities(p: ArrayLike<number> | null): void {
    if (p !== null && p.length !== 10) throw new Error(`the drawing pad shows 10 probabilities, got ${p.length}`);
    let best = -1;
    if (p) for (let d = 0; d < 10; d++) if (best < 0 || p[d] > p[best]) best = d;
    this.bars.forEach(({ row, bar, fill, text }, d) => {
      const v = p ? Math.min(1, Math.max(0, Number(p[d]) || 0)) : 0;
      bar.dataset.prob = String(v);
      fill.style.width = `${(v * 100).toFixed(1)}%`;
      fill.style.background = d === best ? PALETTE.blue : PALETTE.sky;
      text.textContent = p ? pct(v) : '–';
      row.classList.toggle('top', d === best);
    });
    this.output.value = best < 0 ? '–' : String(best);
    this.output.dataset.class = best < 0 ? '' : String(best);
    clearTimeout(this.summaryTimer);
    if (!p) {
      this.summary.textContent = this.spoken.textContent = 'Draw a digit to see what the network thinks it is.';
      return;
    }
    let second = best === 0 ? 1 : 0;
    for (let d = 0; d < 10; d++) if (d !== best && p[d] > p[second]) second = d;
    const text = p[best] >= 0.5
      ? `Looks like a ${best} (${pct(p[best])}).`
      : `Not sure: maybe a ${best} (${pct(p[best])}) or a ${second} (${pct(p[second])}).`;
    this.summary.textContent = text;
    this.summaryTimer = setTimeout(() => { if (this.spoken.textContent !== text) this.spoken.textContent = text; }, SUMMARY_DELAY_MS);
  }

  private listen(): void {
    const c = this.canvas;
    c.addEventListener('pointerdown', (e) => {
      if (e.button !== 0 || this.pointerId !== null) return;
      e.preventDefault();
      c.focus({ preventScroll: true });
      c.setPointerCapture(e.pointerId);
      this.pointerId = e.pointerId;
      this.keyboard = false;
      this.pen = { ...this.toInk(e), down: true };
      this.dot();
    });
    c.addEventListener('pointermove', (e) => {
      if (e.pointerId !== this.pointerId) return;
      for (const p of e.getCoalescedEvents?.() ?? [e]) this.lineTo(this.toInk(p));
    });
    const up = (e: PointerEvent) => {
      if (e.pointerId !== this.pointerId) return;
      this.pointerId = null;
      this.endStroke(true);
    };
    c.addEventListener('pointerup', up);
    c.addEventListener('pointercancel', up);
    c.addEventListener('keydown', (e) => this.key(e));
    c.addEventListener('focus', () => this.render());
    c.addEventListener('blur', () => { this.endStroke(true); this.render(); });
  }

  private key(e: KeyboardEvent): void {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const step = KEY_STEP * (e.shiftKey ? 3 : 1);
    const moves: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    const move = moves[e.key];
    if (move) {
      const next = { x: clamp(this.pen.x + move[0]), y: clamp(this.pen.y + move[1]) };
      if (this.pen.down) this.lineTo(next);
      else this.pen = { ...next, down: false };
    } else if (e.key === ' ' || e.key === 'Enter') {
      if (this.pen.down) this.endStroke(true);
      else {
        this.pen.down = true;
        this.dot();
      }
    } else if (e.key === 'Escape' && this.pen.down) this.endStroke(true);
    else if (e.key === 'Delete' || e.key === 'Backspace') this.clear();
    else return;
    e.preventDefault();
    this.keyboard = true;
    this.schedule();
  }

  private toInk(e: { clientX: number; clientY: number }): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return { x: clamp(((e.clientX - r.left) / r.width) * INK_SIDE), y: clamp(((e.clientY - r.top) / r.height) * INK_SIDE) };
  }

  /** Puts the pen down where it is: a stroke of one point (a dot). */
  private dot(): void {
    this.stroke = { before: this.ink.getImageData(0, 0, INK_SIDE, INK_SIDE), points: [{ x: this.pen.x, y: this.pen.y }] };
    this.dirty = true;
    this.schedule();
  }

  private lineTo(p: { x: number; y: number }): void {
    this.stroke?.points.push(p);
    this.pen = { ...p, down: true };
    this.dirty = true;
    this.schedule();
  }

  private paintStroke(): void {
    if (!this.stroke) return;
    const { before, points } = this.stroke, c = this.ink;
    c.putImageData(before, 0, 0);
    c.beginPath();
    if (points.length === 1) {
      c.arc(points[0].x, points[0].y, PEN_WIDTH / 2, 0, 2 * Math.PI);
      c.fill();
      return;
    }
    c.moveTo(points[0].x, points[0].y);
    for (const p of points.slice(1)) c.lineTo(p.x, p.y);
    c.stroke();
  }

  /** Lifts the pen; with `notify`, hands over the finished stroke now rather than next frame. */
  private endStroke(notify: boolean): void {
    const wasDown = this.pen.down;
    this.pen.down = false;
    if (notify && wasDown) {
      cancelAnimationFrame(this.frame);
      this.frame = 0;
      this.update();
    }
    this.stroke = null;
  }

  /** At most one redraw and one onChange per animation frame, however many events came. */
  private schedule(): void {
    if (!this.frame) this.frame = requestAnimationFrame(() => { this.frame = 0; this.update(); });
  }

  private update(): void {
    if (this.dirty) this.paintStroke();
    this.render();
    if (!this.dirty) return;
    this.dirty = false;
    const rgba = this.ink.getImageData(0, 0, INK_SIDE, INK_SIDE).data;
    const coverage = new Float32Array(INK_SIDE * INK_SIDE);
    for (let i = 0; i < coverage.length; i++) coverage[i] = rgba[4 * i + 3] / 255;
    const pixels = toMnistPixels(coverage, INK_SIDE, INK_SIDE);
    if (!pixels) return;
    this.drawSeen(pixels);
    this.onChange(pixels);
  }

  private render(): void {
    const v = this.view, s = this.canvas.width / INK_SIDE;
    v.setTransform(1, 0, 0, 1, 0, 0);
    v.fillStyle = '#fff';
    v.fillRect(0, 0, this.canvas.width, this.canvas.height);
    v.drawImage(this.ink.canvas, 0, 0, this.canvas.width, this.canvas.height);
    if (!this.keyboard || document.activeElement !== this.canvas) return;
    // The keyboard pen: a ring the size of the stroke, filled while it draws.
    v.setTransform(s, 0, 0, s, 0, 0);
    v.beginPath();
    v.arc(this.pen.x, this.pen.y, PEN_WIDTH / 2 + 2, 0, 2 * Math.PI);
    v.lineWidth = 3;
    v.strokeStyle = PALETTE.orange;
    v.stroke();
    if (this.pen.down) {
      v.fillStyle = PALETTE.vermillion;
      v.beginPath();
      v.arc(this.pen.x, this.pen.y, 4, 0, 2 * Math.PI);
      v.fill();
    }
  }

  private drawSeen(pixels: Float32Array): void {
    const img = this.seen.createImageData(DIGIT_SIDE, DIGIT_SIDE);
    for (let i = 0; i < pixels.length; i++) {
      const g = Math.round(255 * (1 - pixels[i]));
      img.data.set([g, g, g, 255], 4 * i);
    }
    this.seen.putImageData(img, 0, 0);
  }
}

const clamp = (v: number): number => Math.min(INK_SIDE, Math.max(0, v));
