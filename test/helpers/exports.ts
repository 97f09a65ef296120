// package.json `exports` resolved as a runtime or a bundler resolves them: the keys of a
// conditions object are tried in their order, the first one among the runtime's conditions
// (or `default`) wins, and its value is resolved again if it is itself an object.
import { readFileSync } from 'node:fs';

export type ExportTarget = string | { [condition: string]: ExportTarget };

export const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  types: string;
  exports: Record<string, ExportTarget>;
};

/** The file `subpath` ('.', './schedules', …) resolves to under `conditions`, or null. */
export function resolveExport(subpath: string, conditions: readonly string[]): string | null {
  const walk = (t: ExportTarget | undefined): string | null => {
    if (t === undefined) return null;
    if (typeof t === 'string') return t;
    for (const [key, value] of Object.entries(t)) {
      if (key === 'default' || conditions.includes(key)) {
        const found = walk(value);
        if (found !== null) return found;
      }
    }
    return null;
  };
  return walk(pkg.exports[subpath]);
}

/** Every file a conditions object names, at any depth (the `types` files among them). */
export function exportTargets(t: ExportTarget, key = ''): { key: string; file: string }[] {
  return typeof t === 'string' ? [{ key, file: t }] : Object.entries(t).flatMap(([k, v]) => exportTargets(v, k));
}
