// Sizing a canvas to its CSS box at the device's pixel ratio, so figures stay sharp and
// follow the layout (one column at 390 px, two on a desktop).
export function fitCanvas(canvas: HTMLCanvasElement, cssHeight: number): { ctx: CanvasRenderingContext2D; w: number; h: number } {
  const dpr = Math.min(2, globalThis.devicePixelRatio || 1);
  const w = Math.max(120, Math.floor(canvas.clientWidth || canvas.parentElement?.clientWidth || 300));
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

/** "3e-6": a power of ten as an axis label. */
export const decade = (p: number): string => (p === 0 ? '1' : `1e${p}`);
