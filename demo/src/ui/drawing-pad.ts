// STAND-IN (the MNIST helper's real pad replaces this file at merge): a 28 × 28 canvas drawn
// with the pointer, reporting its pixels after each stroke segment, and a line of probabilities.
export class DrawingPad {
  readonly root: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly pixels = new Float32Array(784);
  private readonly out: HTMLOutputElement;

  constructor(private readonly o: { onChange(pixels: Float32Array): void }) {
    this.root = document.createElement('div');
    this.canvas = document.createElement('canvas');
    this.canvas.width = this.canvas.height = 28;
    this.canvas.style.cssText = 'width:168px;height:168px;image-rendering:pixelated;border:1px solid #999;touch-action:none;background:#000';
    this.canvas.setAttribute('aria-label', 'Drawing pad: draw a digit');
    this.out = document.createElement('output');
    this.out.style.display = 'block';
    this.root.append(this.canvas, this.out);
    let down = false;
    const paint = (e: PointerEvent) => {
      const r = this.canvas.getBoundingClientRect();
      const cx = ((e.clientX - r.left) / r.width) * 28, cy = ((e.clientY - r.top) / r.height) * 28;
      for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) {
        const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
        if (d < 2) this.pixels[y * 28 + x] = Math.max(this.pixels[y * 28 + x], Math.min(1, 2 - d));
      }
      this.redraw();
      this.o.onChange(this.pixels.slice());
    };
    this.canvas.addEventListener('pointerdown', (e) => { down = true; paint(e); });
    this.canvas.addEventListener('pointermove', (e) => { if (down) paint(e); });
    addEventListener('pointerup', () => { down = false; });
    this.redraw();
  }

  clear(): void {
    this.pixels.fill(0);
    this.redraw();
    this.setProbabilities(null);
  }

  setProbabilities(p: ArrayLike<number> | null): void {
    if (!p) { this.out.textContent = ''; return; }
    let best = 0;
    for (let i = 1; i < 10; i++) if (p[i] > p[best]) best = i;
    this.out.textContent = `prediction ${best} · ${Array.from(p, (v, i) => `${i}: ${(v * 100).toFixed(0)}%`).join(' ')}`;
  }

  private redraw(): void {
    const ctx = this.canvas.getContext('2d')!;
    const img = ctx.createImageData(28, 28);
    for (let i = 0; i < 784; i++) {
      const v = Math.round(this.pixels[i] * 255);
      img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = v;
      img.data[4 * i + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }
}
