// Global setup of the `demo` project: builds the demo as `npm run build:demo` does (dist/ is
// already built by pretest) and serves the static output from a sub-path, as a user hosting it
// under /<repo>/ would; every demo test opens that URL. Nothing here needs the dev server.
import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { build } from 'vite';

export const SUB_PATH = '/some/sub-path/';
const root = resolve(import.meta.dirname, '../..');
const outDir = resolve(root, 'demo/dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml', '.bin': 'application/octet-stream', '.png': 'image/png', '.json': 'application/json',
};

/** A plain static file server for `dir` under `prefix`; anything outside it is a 404. */
export function serveStatic(dir: string, prefix: string): Promise<{ server: Server; url: string }> {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (!path.startsWith(prefix)) return void res.writeHead(404).end();
    let file = normalize(join(dir, path.slice(prefix.length)));
    if (!file.startsWith(dir)) return void res.writeHead(403).end();
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Length': body.length });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    ok({ server, url: `http://127.0.0.1:${port}${prefix}` });
  }));
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await build({ configFile: resolve(root, 'demo/vite.config.ts'), logLevel: 'warn' });
  const { server, url } = await serveStatic(outDir, SUB_PATH);
  project.provide('demoUrl', url);
  return () => new Promise((done) => server.close(() => done()));
}

declare module 'vitest' {
  export interface ProvidedContext {
    demoUrl: string;
  }
}
