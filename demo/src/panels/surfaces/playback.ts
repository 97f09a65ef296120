// Play / pause / replay and a scrub slider for paths that grow step by step. The position is
// a fraction of the way (0 … 1) so one control serves paths of different lengths; `tick` is
// called from the page's animation frame and moves it on while playing.
import { button, el, slider, type Control } from '../../ui/controls.js';

const TICKS = 1000;

export class Playback {
  /** 0 = only the starts, 1 = the whole paths. */
  position = 1;
  playing = false;
  readonly root: HTMLElement;
  private readonly play: HTMLButtonElement;
  private readonly scrub: Control<number>;
  private last = 0;

  constructor(private readonly o: { name: string; durationMs: number; describe: (position: number) => string; onChange: () => void }) {
    this.play = button('Play', () => (this.playing ? this.pause() : this.start(this.position >= 1 ? 0 : this.position)), { name: `${o.name}-play` });
    this.play.setAttribute('aria-pressed', 'false');
    const replay = button('Replay', () => this.start(0), { name: `${o.name}-replay` });
    this.scrub = slider({
      label: 'shown', name: `${o.name}-scrub`, min: 0, max: TICKS, step: 1, value: TICKS,
      format: (v) => o.describe(v / TICKS),
      onChange: (v) => {
        this.pause();
        this.position = v / TICKS;
        o.onChange();
      },
    });
    this.scrub.root.classList.add('scrub');
    this.root = el('div', { className: 'playback' }, el('div', { className: 'toolbar' }, this.play, replay), this.scrub.root);
  }

  start(from: number): void {
    this.position = from;
    this.playing = true;
    this.last = performance.now();
    this.play.textContent = 'Pause';
    this.play.setAttribute('aria-pressed', 'true');
    this.o.onChange();
  }

  pause(): void {
    if (!this.playing) return;
    this.playing = false;
    this.play.textContent = 'Play';
    this.play.setAttribute('aria-pressed', 'false');
  }

  /** Shows the whole paths (new paths arrived while not playing). */
  showAll(): void {
    if (!this.playing) this.position = 1;
    this.refresh();
  }

  /** Re-reads the description (the paths' lengths changed). */
  refresh(): void {
    this.scrub.set(Math.round(this.position * TICKS));
  }

  /** Advances while playing; true when the position moved (redraw). */
  tick(): boolean {
    if (!this.playing) return false;
    const now = performance.now();
    // A long gap (the tab was hidden) does not jump the animation forward.
    this.position = Math.min(1, this.position + Math.min(250, now - this.last) / this.o.durationMs);
    this.last = now;
    if (this.position >= 1) this.pause();
    this.refresh();
    return true;
  }
}
