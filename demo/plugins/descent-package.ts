// Resolves `descent` and `descent/<subpath>` as a bundler resolves an installed copy: through
// package.json's `exports`, taking the `default` condition (dist/browser.js and its subpaths).
// The demo thus runs the very files a user's app would, and `npm run build` must have made them.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Plugin } from 'vite';

const root = resolve(import.meta.dirname, '../..');

type ExportEntry = string | { default?: ExportEntry };

export function descentPackage(): Plugin {
  const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { exports: Record<string, ExportEntry> };
  return {
    name: 'descent-package',
    enforce: 'pre',
    resolveId(id) {
      if (id !== 'descent' && !id.startsWith('descent/')) return null;
      const key = id === 'descent' ? '.' : `./${id.slice('descent/'.length)}`;
      // The `default` condition, followed through nested conditions (`.` nests its types).
      let target: ExportEntry | undefined = pkg.exports[key];
      while (typeof target === 'object') target = target.default;
      if (!target) throw new Error(`descent has no export "${key}" (package.json exports)`);
      const file = resolve(root, target);
      if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first`);
      return file;
    },
  };
}
