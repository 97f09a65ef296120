// Sizing a canvas to its CSS box at the device's pixel ratio, so figures stay sharp and
// follow the layout (one column at 390 px, two on a desktop). Widths come from a
// ResizeObserver, never from reading clientWidth while drawing: a read after the frame's DOM
// writes would force a layout of the whole page on every frame.
const widths = new WeakMap<HTMLCanvasElement, number>();
const observer = new ResizeObserver((entries) => {
  for (const e of entries) widths.set(e.target as HTMLCanvasElement, Math.floor(e.contentRect.width));
});

export function fitCanvas(canvas: HTMLCanvasElement, cssHeight: number): { ctx: CanvasRenderingContext2D; w: number; h: number } {
  if (!widths.has(canvas)) {
    observer.observe(canvas);
    widths.set(canvas, Math.floor(canvas.clientWidth || 300));
  }
  const dpr = Math.min(2, globalThis.devicePixelRatio || 1);
  const w = Math.max(120, widths.get(canvas)!);
  const h = cssHeight;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
    canvas.style.height = `${h}px`;
  }
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return { ctx, w, h };
}

/** "1e-6": a power of ten as an axis label. */
export const decade = (p: number): string => (p === 0 ? '1' : `1e${p}`);
