// Checkpoint bytes in files (descent/checkpoint's writeCheckpointFile and readCheckpointFile, on
// the built dist/): a round trip that loads the same model, writes that leave the old file or the
// whole new one and never a temporary file (a full disk is played by a child process with a file
// size limit), and typed errors that name the path. Then the browser helpers under Node: Blobs
// round-trip (Node 20 has Blob), and what needs a document or IndexedDB is a StateError naming it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, createNetwork, DataError, StateError, type NetworkSpec } from '../dist/node.js';
import {
  checkpointBlob, deleteCheckpointFromIndexedDB, downloadCheckpoint, listCheckpointsInIndexedDB, loadCheckpoint, loadCheckpointFromIndexedDB,
  readCheckpointBlob, readCheckpointFile, saveCheckpoint, saveCheckpointToIndexedDB, writeCheckpointFile,
} from '../dist/checkpoint.js';

const spec: NetworkSpec = { inputs: 3, layers: [{ units: 5, activation: 'tanh' }, { units: 2 }], loss: 'softmax_cross_entropy', init: 'xavier_uniform', seed: 4 };
const x = Float32Array.from({ length: 4 * 3 }, (_, i) => Math.cos(i));
let dir: string;
let bytes: Uint8Array;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'descent-checkpoint-files-'));
  const net = await createNetwork(spec);
  bytes = saveCheckpoint(net);
  net.dispose();
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The rejection of `promise` (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<{ name: string; message: string; path: string; value: unknown }> {
  try {
    await promise;
  } catch (err) {
    return err as { name: string; message: string; path: string; value: unknown };
  }
  throw new Error('expected a rejection');
}

/** A fresh, empty folder of its own under the test's folder. */
function folder(name: string): string {
  const path = join(dir, name);
  mkdirSync(path);
  return path;
}

describe('checkpoint files', () => {
  it('round-trip: the bytes read back are the bytes written, and load the same model', async () => {
    const file = join(folder('round-trip'), 'model.safetensors');
    await writeCheckpointFile(file, bytes);
    expect(new Uint8Array(readFileSync(file))).toEqual(bytes);
    const read = await readCheckpointFile(file);
    // A plain Uint8Array with its own buffer (not a Buffer, not a view into a pool).
    expect(Object.getPrototypeOf(read)).toBe(Uint8Array.prototype);
    expect(read.byteOffset).toBe(0);
    expect(read.buffer.byteLength).toBe(read.length);
    expect(read).toEqual(bytes);
    const source = await createNetwork(spec);
    const copy = await createNetwork(spec);
    copy.reinitialize(7);
    expect(copy.predict(x).outputs).not.toEqual(source.predict(x).outputs);
    loadCheckpoint(copy, read);
    expect(copy.predict(x).outputs).toEqual(source.predict(x).outputs);
    source.dispose();
    copy.dispose();
  });

  it('a write replaces the whole file and leaves no temporary file beside it', async () => {
    const at = folder('replace');
    const file = join(at, 'model.safetensors');
    writeFileSync(file, new Uint8Array(bytes.length * 3).fill(7));
    await writeCheckpointFile(file, bytes);
    expect(await readCheckpointFile(file)).toEqual(bytes);
    expect(readdirSync(at)).toEqual(['model.safetensors']);
  });

  it('concurrent writes to one path each write a whole file: the last one renamed wins, no temporary file is left', async () => {
    const at = folder('concurrent');
    const file = join(at, 'model.safetensors');
    const versions = Array.from({ length: 8 }, (_, i) => new Uint8Array(1000 + i).fill(i));
    await Promise.all(versions.map((v) => writeCheckpointFile(file, v)));
    const final = await readCheckpointFile(file);
    expect(versions.some((v) => v.length === final.length && v.every((b, i) => final[i] === b))).toBe(true);
    expect(readdirSync(at)).toEqual(['model.safetensors']);
  });

  it('a write that fails half-way (the disk full: a file size limit) leaves the old file intact and no temporary file', () => {
    const at = folder('full-disk');
    const file = join(at, 'model.safetensors');
    writeFileSync(file, bytes);
    // `ulimit -f 8`: files of at most 4 KB in the child; Node ignores SIGXFSZ, so the write fails with EFBIG.
    const script = `
      const { writeCheckpointFile } = await import(${JSON.stringify(new URL('../dist/checkpoint.js', import.meta.url).href)});
      try {
        await writeCheckpointFile(${JSON.stringify(file)}, new Uint8Array(1_000_000).fill(1));
        console.log(JSON.stringify({ wrote: true }));
      } catch (e) {
        console.log(JSON.stringify({ name: e.name, message: e.message, path: e.path }));
      }`;
    const run = spawnSync('sh', ['-c', `ulimit -f 8 && exec "${process.execPath}" --input-type=module -e "$0"`, script], { encoding: 'utf8', timeout: 30_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ name: 'DataError', message: `cannot write ${file}: EFBIG: file too large, write`, path: file });
    expect(new Uint8Array(readFileSync(file))).toEqual(bytes);
    expect(readdirSync(at)).toEqual(['model.safetensors']);
  });

  it('a write whose rename fails (the path is a directory) removes its temporary file and names the path', async () => {
    const at = folder('onto-directory');
    const target = join(at, 'model.safetensors');
    mkdirSync(target);
    writeFileSync(join(target, 'inside'), 'kept');
    const e = await rejection(writeCheckpointFile(target, bytes));
    expect(e).toBeInstanceOf(DataError);
    expect(e).toMatchObject({ message: `cannot write ${target}: it is a directory`, path: target, value: target });
    expect(readdirSync(at)).toEqual(['model.safetensors']);
    expect(readFileSync(join(target, 'inside'), 'utf8')).toBe('kept');
  });

  it('a write into a missing directory is a DataError saying so, and creates nothing', async () => {
    const at = folder('missing-directory');
    const file = join(at, 'nowhere', 'model.safetensors');
    const e = await rejection(writeCheckpointFile(file, bytes));
    expect(e).toBeInstanceOf(DataError);
    expect(e).toMatchObject({ message: `cannot write ${file}: no such directory`, path: file, value: file });
    expect(readdirSync(at)).toEqual([]);
  });

  it('reading a missing file or a directory is a DataError naming the path', async () => {
    const missing = join(dir, 'absent.safetensors');
    const e = await rejection(readCheckpointFile(missing));
    expect(e).toBeInstanceOf(DataError);
    expect(e).toMatchObject({ message: `cannot read checkpoint ${missing}: no such file`, path: missing, value: missing });
    const d = await rejection(readCheckpointFile(dir));
    expect(d).toBeInstanceOf(DataError);
    expect(d).toMatchObject({ message: `cannot read checkpoint ${dir}: it is a directory`, path: dir });
  });

  it('bad arguments are typed errors naming the value, before any file is touched', async () => {
    const at = folder('bad-arguments');
    const file = join(at, 'model.safetensors');
    const noPath = await rejection(writeCheckpointFile('', bytes));
    expect(noPath).toBeInstanceOf(ConfigError);
    expect(noPath).toMatchObject({ path: 'path', value: '', message: 'writeCheckpointFile: path must be a non-empty string, got ""' });
    const notBytes = await rejection(writeCheckpointFile(file, [1, 2, 3] as unknown as Uint8Array));
    expect(notBytes).toBeInstanceOf(DataError);
    expect(notBytes).toMatchObject({ path: 'bytes', value: [1, 2, 3], message: expect.stringMatching(/^writeCheckpointFile: bytes must be a Uint8Array .*, got \[1,2,3\]$/) });
    const floats = await rejection(writeCheckpointFile(file, new Float32Array(4) as unknown as Uint8Array));
    expect(floats).toMatchObject({ name: 'DataError', path: 'bytes', message: expect.stringMatching(/got a Float32Array of length 4$/) });
    expect(readdirSync(at)).toEqual([]);
    const readNumber = await rejection(readCheckpointFile(42 as unknown as string));
    expect(readNumber).toBeInstanceOf(ConfigError);
    expect(readNumber).toMatchObject({ path: 'path', value: 42, message: 'readCheckpointFile: path must be a non-empty string, got 42' });
  });

  it('the modules behind descent/checkpoint import no node: builtin when they load (browsers load them)', () => {
    const dist = new URL('../dist/checkpoint/', import.meta.url);
    for (const file of readdirSync(dist).filter((f) => f.endsWith('.js'))) {
      expect(readFileSync(new URL(file, dist), 'utf8'), file).not.toMatch(/(?:from|import)\s*["']node:/);
    }
  });
});

describe('the browser helpers, in Node', () => {
  it('checkpointBlob and readCheckpointBlob round-trip the bytes; the Blob is a copy', async () => {
    const blob = checkpointBlob(bytes);
    expect(blob).toBeInstanceOf(Blob);
    expect(blob.type).toBe('application/octet-stream');
    expect(blob.size).toBe(bytes.length);
    const copy = bytes.slice();
    const fromCopy = checkpointBlob(copy);
    copy.fill(0);
    expect(await readCheckpointBlob(fromCopy)).toEqual(bytes);
    expect(await readCheckpointBlob(blob)).toEqual(bytes);
  });

  it('a view holds only its own bytes in the Blob, shared memory included', async () => {
    const shared = new Uint8Array(new SharedArrayBuffer(bytes.length + 16));
    shared.set(bytes, 8);
    const view = shared.subarray(8, 8 + bytes.length);
    expect(await readCheckpointBlob(checkpointBlob(view))).toEqual(bytes);
  });

  it('readCheckpointBlob and checkpointBlob refuse what is not a Blob or bytes, naming it', async () => {
    const e = await rejection(readCheckpointBlob('model.safetensors' as unknown as Blob));
    expect(e).toBeInstanceOf(DataError);
    expect(e).toMatchObject({ path: 'blob', value: 'model.safetensors', message: 'readCheckpointBlob: blob must be a Blob or File, got "model.safetensors"' });
    expect(() => checkpointBlob(bytes.buffer as unknown as Uint8Array)).toThrow(expect.objectContaining({ name: 'DataError', path: 'bytes' }));
  });

  it('downloadCheckpoint without a document is a StateError that points to writeCheckpointFile', () => {
    expect(typeof document).toBe('undefined');
    let error: unknown;
    try {
      downloadCheckpoint(bytes, 'model.safetensors');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StateError);
    expect(error).toMatchObject({ path: 'document', message: expect.stringMatching(/needs a browser page.*writeCheckpointFile/) });
    // Its arguments are checked first, whatever the runtime.
    expect(() => downloadCheckpoint(bytes, '')).toThrow(expect.objectContaining({ name: 'ConfigError', path: 'filename', value: '' }));
  });

  it('the IndexedDB functions without indexedDB are StateErrors naming it', async () => {
    expect('indexedDB' in globalThis).toBe(false);
    const calls: [string, () => Promise<unknown>][] = [
      ['saveCheckpointToIndexedDB', () => saveCheckpointToIndexedDB('model', bytes)],
      ['loadCheckpointFromIndexedDB', () => loadCheckpointFromIndexedDB('model')],
      ['deleteCheckpointFromIndexedDB', () => deleteCheckpointFromIndexedDB('model', { database: 'other' })],
      ['listCheckpointsInIndexedDB', () => listCheckpointsInIndexedDB()],
    ];
    for (const [name, call] of calls) {
      const e = await rejection(call());
      expect(e, name).toBeInstanceOf(StateError);
      expect(e, name).toMatchObject({ path: 'indexedDB', message: expect.stringMatching(new RegExp(`^${name}: this runtime has no indexedDB.*writeCheckpointFile`)) });
    }
  });

  it('the IndexedDB functions check their arguments first: key, bytes, options', async () => {
    const cases: [() => Promise<unknown>, string, string, unknown][] = [
      [() => saveCheckpointToIndexedDB('', bytes), 'ConfigError', 'key', ''],
      [() => loadCheckpointFromIndexedDB(7 as unknown as string), 'ConfigError', 'key', 7],
      [() => deleteCheckpointFromIndexedDB(undefined as unknown as string), 'ConfigError', 'key', undefined],
      [() => saveCheckpointToIndexedDB('model', 'bytes' as unknown as Uint8Array), 'DataError', 'bytes', 'bytes'],
      [() => saveCheckpointToIndexedDB('model', bytes, { store: '' }), 'ConfigError', 'options.store', ''],
      [() => listCheckpointsInIndexedDB({ database: 3 as unknown as string }), 'ConfigError', 'options.database', 3],
      [() => listCheckpointsInIndexedDB({ datbase: 'x' } as never), 'ConfigError', 'options.datbase', 'datbase'],
      [() => loadCheckpointFromIndexedDB('model', null as never), 'ConfigError', 'options', null],
    ];
    for (const [call, name, path, value] of cases) {
      const e = await rejection(call());
      expect(e).toMatchObject({ name, path, value });
    }
    const unknownOption = await rejection(listCheckpointsInIndexedDB({ datbase: 'x' } as never));
    expect(unknownOption.message).toBe('listCheckpointsInIndexedDB: options.datbase is not an IndexedDB option (expected one of database, store)');
  });
});
