// Download weight: every dist/*.wasm of descent and tfjs-wasm's three .wasm builds, raw and
// gzip-compressed at level 9 (zlib's deflate at -9, as `gzip -9`, without gzip's name field).
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const ROOT = new URL('..', import.meta.url);

export function wasmFiles(dir) {
  try {
    return readdirSync(new URL(dir, ROOT)).filter((f) => f.endsWith('.wasm')).sort().map((f) => `${dir}${f}`);
  } catch {
    return [];
  }
}

export function measureSizes() {
  const groups = [
    ['descent', wasmFiles('dist/')],
    ['tfjs-backend-wasm', wasmFiles('bench/node_modules/@tensorflow/tfjs-backend-wasm/dist/')],
  ];
  const rows = [];
  for (const [owner, files] of groups) {
    if (files.length === 0) throw new Error(`no .wasm files found for ${owner}`);
    for (const file of files) {
      const bytes = readFileSync(new URL(file, ROOT));
      rows.push({ owner, file, bytes: bytes.length, gzip9: gzipSync(bytes, { level: 9 }).length });
    }
  }
  return rows;
}
