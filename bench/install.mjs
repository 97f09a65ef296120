// Installs the peers into bench/node_modules (never the root: the test install stays lean).
// `npm ci` from the lock when there is one; the lock's hash is stamped into node_modules so
// later runs skip a reinstall that would only delete and rewrite ~300 MB of identical files.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const bench = new URL('.', import.meta.url);
const lock = new URL('package-lock.json', bench);
const stamp = new URL('node_modules/.bench-lock-sha256', bench);
const npm = (...args) => execFileSync('npm', [...args, '--prefix', bench.pathname, '--silent', '--no-audit', '--no-fund'], { stdio: 'inherit' });

if (existsSync(lock)) {
  const hash = createHash('sha256').update(readFileSync(lock)).digest('hex');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== hash) {
    console.error('bench: installing peers (npm ci --prefix bench)…');
    npm('ci');
    writeFileSync(stamp, hash);
  }
} else {
  npm('install');
}
