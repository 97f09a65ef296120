// How error messages show an offending value: short, and exact for numbers.

/** Renders a value for an error message: short, and exact for numbers (NaN stays NaN inside arrays; 1n reads 1n). */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return String(value);
  if (Array.isArray(value)) return value.length > 6 ? `an array of length ${value.length}` : `[${value.map(describe).join(',')}]`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of length ${(value as unknown as ArrayLike<unknown>).length}`;
  try {
    const s = JSON.stringify(value);
    return s.length > 80 ? s.slice(0, 77) + '...' : s;
  } catch {
    return Object.prototype.toString.call(value);
  }
}
