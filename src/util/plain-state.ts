// Snapshots of an object's numeric fields as plain data (typed arrays as arrays), and putting
// them back: how the diagnostics, whose state is many counters and typed arrays, travel in a run's
// snapshot without a hand-written copy of each field.

/** Copies of the fields `names` of `o`: numbers as they are, typed arrays as plain arrays. */
export function saveFields(o: object, names: readonly string[]): Record<string, unknown> {
  const r = o as Record<string, unknown>;
  return Object.fromEntries(names.map((n) => [n, ArrayBuffer.isView(r[n]) ? Array.from(r[n] as unknown as ArrayLike<number>) : r[n]]));
}

/** Puts saveFields' copies back into `o` (typed arrays filled in place). */
export function loadFields(o: object, saved: Record<string, unknown>): void {
  const r = o as Record<string, unknown>;
  for (const [n, v] of Object.entries(saved)) {
    const t = r[n];
    if (ArrayBuffer.isView(t)) (t as Float64Array).set(v as number[]);
    else r[n] = v;
  }
}

/** Whether `state` has the shape of `template`: the same keys, numbers, and arrays of the same lengths. */
export function sameShape(template: unknown, state: unknown): boolean {
  if (typeof template === 'number') return typeof state === 'number';
  if (Array.isArray(template)) return Array.isArray(state) && state.length === template.length && template.every((t, i) => sameShape(t, state[i]));
  if (template === null || typeof template !== 'object') return template === state;
  return typeof state === 'object' && state !== null && Object.keys(template).every((k) => sameShape((template as Record<string, unknown>)[k], (state as Record<string, unknown>)[k]));
}
