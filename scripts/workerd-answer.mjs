// A Worker's answer from workerd, for the runtime tests and bench/runtime-defaults.mjs:
// bundles the entry as wrangler does (.wasm and .bin imports left to the runtime), serves it
// with the three builds as wasm modules and descent.wasm / descent-relaxed.wasm also as data
// modules (simd.bin, relaxed.bin, for WebAssembly.validate), and returns the JSON of one GET.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const WASM = ['descent.wasm', 'descent-scalar.wasm', 'descent-relaxed.wasm'];

/**
 * `entry` bundled with `conditions` into `out` (created; the bundle's imports resolve from
 * `entry`'s folder), served by `workerd` (its binary) with `root`/dist's builds.
 */
export async function workerdAnswer({ root, workerd, entry, out, conditions }) {
  const { build } = await import('esbuild');
  mkdirSync(out);
  await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'browser', conditions, external: ['*.wasm', '*.bin'], outfile: join(out, 'worker.js'), logLevel: 'silent' });
  for (const f of WASM) copyFileSync(join(root, 'dist', f), join(out, f));
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  writeFileSync(join(out, 'config.capnp'), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .mainWorker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const mainWorker :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "worker.js"), ${WASM.map((f) => `(name = "${f}", wasm = embed "${f}")`).join(', ')},
    (name = "simd.bin", data = embed "descent.wasm"), (name = "relaxed.bin", data = embed "descent-relaxed.wasm") ],
  compatibilityDate = "2025-09-01",
);
`);
  const server = spawn(workerd, ['serve', 'config.capnp'], { cwd: out, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  server.stderr.on('data', (d) => (log += d));
  try {
    // It takes a moment to listen; an exit before answering is an error with its log.
    for (let i = 0; i < 100; i++) {
      try {
        return await (await fetch(`http://127.0.0.1:${port}/`)).json();
      } catch {
        if (server.exitCode !== null) throw new Error(`workerd exited: ${log}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    throw new Error(`workerd never answered: ${log}`);
  } finally {
    server.kill();
  }
}
