// The demo is a Vite app whose code imports descent as a user would: `import … from 'descent'`
// resolves through this package's own `exports` (the `default` condition, the browser build in
// dist/), not through a path into src/. `npm run demo` serves it; `npm run build:demo` writes a
// static site to demo/dist with relative URLs, so it works from any sub-path.
import { defineConfig, type Plugin } from 'vite';
import { descentPackage } from './plugins/descent-package.js';
import { mnistBytes } from './plugins/mnist-plugin.js';

const plugins = (): Plugin[] => [descentPackage()];

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  publicDir: 'public',
  plugins: [...plugins(), mnistBytes()],
  worker: { format: 'es', plugins },
  server: { host: '127.0.0.1', port: 5180, fs: { allow: ['..'] } },
  preview: { host: '127.0.0.1', port: 4180 },
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true, assetsInlineLimit: 0 },
});
