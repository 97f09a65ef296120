// What a result was measured on: CPU, node, package versions and the git commit, so JSON
// results from different days or machines can be told apart.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const ROOT = new URL('..', import.meta.url);

const version = (pkgJson) => {
  try {
    return JSON.parse(readFileSync(new URL(pkgJson, ROOT), 'utf8')).version;
  } catch {
    return null;
  }
};

const git = (...args) => {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
};

export function collectMeta() {
  let cpu = null;
  try {
    cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.*)$/m)?.[1] ?? null;
  } catch {}
  const status = git('status', '--porcelain');
  return {
    cpu,
    cores: availableParallelism(),
    node: process.version,
    v8: process.versions.v8,
    commit: git('rev-parse', 'HEAD'),
    dirty: status === null ? null : status.length > 0,
    date: new Date().toISOString(),
    packages: {
      descent: version('package.json'),
      assemblyscript: version('node_modules/assemblyscript/package.json'),
      '@tensorflow/tfjs': version('bench/node_modules/@tensorflow/tfjs/package.json'),
      '@tensorflow/tfjs-core': version('bench/node_modules/@tensorflow/tfjs-core/package.json'),
      '@tensorflow/tfjs-backend-wasm': version('bench/node_modules/@tensorflow/tfjs-backend-wasm/package.json'),
      '@tensorflow/tfjs-backend-cpu': version('bench/node_modules/@tensorflow/tfjs-backend-cpu/package.json'),
      'brain.js': version('bench/node_modules/brain.js/package.json'),
    },
  };
}
