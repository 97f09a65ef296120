// Checkpoint bytes to and from files, in Node, Deno and Bun. node:fs is imported when a function
// is called, never when this module loads, so descent/checkpoint still loads in a browser (which
// has bytes, Blobs and IndexedDB instead: browser-storage.ts). The specifier is a variable so that
// bundlers (Vite, webpack, esbuild) leave the import alone instead of failing on a browser build.
import { ConfigError, DataError, StateError } from '../errors.js';
import { mustBeMessage } from '../util/must-be.js';

// What is used of node:fs, declared here rather than imported as types: a browser project has
// no Node types, and these declarations ship with descent/checkpoint.
interface Fs {
  readFile(path: string): Promise<Uint8Array>;
}
/** What the crash-safe writer needs of node:fs (the CLI passes its own static import). */
export interface SyncFs {
  openSync(path: string, flags: string): number;
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  rmSync(path: string, options: { force: boolean }): void;
}
const NODE_FS = 'node:fs/promises';
const NODE_FS_SYNC = 'node:fs';

async function nodeFs<T = Fs>(caller: string, specifier = NODE_FS): Promise<T> {
  try {
    return (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as T;
  } catch {
    throw new StateError(`${caller}: files need node:fs (Node, Deno or Bun), which this runtime does not have; keep the bytes themselves, or in a browser use checkpointBlob, downloadCheckpoint, readCheckpointBlob or saveCheckpointToIndexedDB`, 'node:fs', undefined);
  }
}

/** Why a file operation failed, in words for the common cases. */
function why(err: unknown, writing: boolean): string {
  const e = err as { code?: string; message?: string };
  if (e.code === 'ENOENT') return writing ? 'no such directory' : 'no such file';
  if (e.code === 'EISDIR') return 'it is a directory';
  return e.message ?? String(err);
}

function checkPath(caller: string, path: unknown): asserts path is string {
  if (typeof path !== 'string' || path === '') throw new ConfigError(`${caller}: ${mustBeMessage('path', 'a non-empty string', path)}`, 'path', path);
}

function checkBytes(caller: string, bytes: unknown): asserts bytes is Uint8Array {
  if (!(bytes instanceof Uint8Array)) throw new DataError(`${caller}: ${mustBeMessage('bytes', 'a Uint8Array (checkpoint bytes, as saveCheckpoint returns them)', bytes)}`, 'bytes', bytes);
}

/**
 * Writes `bytes` to `path` so that a crash never leaves half a file: they go to a temporary file
 * beside it, are flushed to disk, then renamed over it (rename is atomic on one file system), so
 * `path` holds either its old contents or all the new ones. A failure removes the temporary file
 * and is a DataError naming `path`. Synchronous, so writes to one path land in the order they
 * were made (the CLI checkpoints from inside training callbacks with it).
 * @internal
 */
export function writeFileAtomicSync(fs: SyncFs, path: string, bytes: Uint8Array): void {
  // A random part as well as the time: two writes to one path in the same millisecond, from one
  // process or two, never share a temporary file ('wx' refuses one that exists).
  const temp = `${path}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`;
  let fd: number | undefined;
  try {
    fd = fs.openSync(temp, 'wx');
    for (let at = 0; at < bytes.length;) at += fs.writeSync(fd, bytes, at, bytes.length - at);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(temp, path);
  } catch (err) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw new DataError(`cannot write ${path}: ${why(err, true)}`, path, path);
  }
}

/** writeFileAtomicSync with node:fs imported at call time (see the top of this file). @internal */
export async function writeFileAtomic(path: string, bytes: Uint8Array, caller = 'writeFileAtomic'): Promise<void> {
  writeFileAtomicSync(await nodeFs<SyncFs>(caller, NODE_FS_SYNC), path, bytes);
}

/** Writes checkpoint bytes to `path` crash-safely (the old file or the whole new one, never half). */
export async function writeCheckpointFile(path: string, bytes: Uint8Array): Promise<void> {
  checkPath('writeCheckpointFile', path);
  checkBytes('writeCheckpointFile', bytes);
  await writeFileAtomic(path, bytes, 'writeCheckpointFile');
}

/** The bytes of the checkpoint file at `path` (for loadCheckpoint or readCheckpoint). */
export async function readCheckpointFile(path: string): Promise<Uint8Array> {
  checkPath('readCheckpointFile', path);
  const fs = await nodeFs('readCheckpointFile');
  try {
    // A plain Uint8Array with a buffer of its own: a Buffer compares and prints differently, and
    // may sit inside a larger pooled ArrayBuffer.
    return new Uint8Array(await fs.readFile(path));
  } catch (err) {
    throw new DataError(`cannot read checkpoint ${path}: ${why(err, false)}`, path, path);
  }
}
