// Checkpoint bytes in a real browser (descent/checkpoint as built, in headless Chromium): kept in
// IndexedDB and loaded back into a network that then predicts as the saved one did; databases
// and stores kept apart; a download through a temporary <a download> (its click intercepted, so
// nothing is really downloaded); Blobs and Files read back; and files refused with a StateError.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createNetwork, type NetworkSpec } from '../../dist/browser.js';
import {
  checkpointBlob, deleteCheckpointFromIndexedDB, downloadCheckpoint, listCheckpointsInIndexedDB, loadCheckpoint, loadCheckpointFromIndexedDB,
  readCheckpoint, readCheckpointBlob, readCheckpointFile, saveCheckpoint, saveCheckpointToIndexedDB, writeCheckpointFile,
} from '../../dist/checkpoint.js';

const spec: NetworkSpec = { inputs: 2, layers: [{ units: 8, activation: 'relu' }, { units: 3 }], loss: 'softmax_cross_entropy', init: 'he_uniform', seed: 11 };
const x = Float32Array.from({ length: 6 * 2 }, (_, i) => Math.sin(1.7 * i));
let bytes: Uint8Array;
let other: Uint8Array;

beforeAll(async () => {
  const net = await createNetwork(spec);
  bytes = saveCheckpoint(net);
  net.reinitialize(3);
  other = saveCheckpoint(net);
  net.dispose();
  expect(other).not.toEqual(bytes);
});

/** Databases the tests made, deleted after each test. */
const made: string[] = [];
function database(): string {
  const name = `descent-test-${crypto.randomUUID()}`;
  made.push(name);
  return name;
}

afterEach(async () => {
  await Promise.all(made.splice(0).map((name) => new Promise<void>((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error);
  })));
});

/** The rejection of `promise` (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error & { path: string; value: unknown }> {
  try {
    await promise;
  } catch (err) {
    return err as Error & { path: string; value: unknown };
  }
  throw new Error('expected a rejection');
}

describe('IndexedDB', () => {
  it('saves, lists, loads, replaces and deletes checkpoints by key', async () => {
    const opts = { database: database() };
    expect(await listCheckpointsInIndexedDB(opts)).toEqual([]);
    expect(await loadCheckpointFromIndexedDB('b', opts)).toBeNull();
    await saveCheckpointToIndexedDB('b', bytes, opts);
    await saveCheckpointToIndexedDB('a', other, opts);
    expect(await listCheckpointsInIndexedDB(opts)).toEqual(['a', 'b']);
    const loaded = await loadCheckpointFromIndexedDB('b', opts);
    expect(loaded).toBeInstanceOf(Uint8Array);
    expect(loaded).toEqual(bytes);
    expect(readCheckpoint(loaded!).spec).toEqual(readCheckpoint(bytes).spec);
    // Saving under a key that is taken replaces its checkpoint.
    await saveCheckpointToIndexedDB('b', other, opts);
    expect(await loadCheckpointFromIndexedDB('b', opts)).toEqual(other);
    await deleteCheckpointFromIndexedDB('a', opts);
    expect(await listCheckpointsInIndexedDB(opts)).toEqual(['b']);
    expect(await loadCheckpointFromIndexedDB('a', opts)).toBeNull();
    // Deleting a key that is not there is no error.
    await deleteCheckpointFromIndexedDB('a', opts);
    expect(await listCheckpointsInIndexedDB(opts)).toEqual(['b']);
  });

  it('a checkpoint loaded from IndexedDB restores the saved network\'s predictions', async () => {
    const opts = { database: database() };
    const source = await createNetwork(spec);
    await source.fit(x, new Int32Array([0, 1, 2, 0, 1, 2]), { optimizer: { type: 'adam', lr: 0.05 }, epochs: 5, preflight: 'off' });
    await saveCheckpointToIndexedDB('trained', saveCheckpoint(source), opts);
    const copy = await createNetwork(spec);
    expect(copy.predict(x).outputs).not.toEqual(source.predict(x).outputs);
    loadCheckpoint(copy, (await loadCheckpointFromIndexedDB('trained', opts))!);
    expect(copy.predict(x).outputs).toEqual(source.predict(x).outputs);
    expect(copy.getParameters()).toEqual(source.getParameters());
    source.dispose();
    copy.dispose();
  });

  it('stores a copy of exactly the given bytes: a view of a larger buffer, a shared one included', async () => {
    const opts = { database: database() };
    expect(crossOriginIsolated).toBe(true);
    const shared = new Uint8Array(new SharedArrayBuffer(bytes.length + 64));
    shared.set(bytes, 32);
    const view = shared.subarray(32, 32 + bytes.length);
    await saveCheckpointToIndexedDB('view', view, opts);
    shared.fill(0);
    const loaded = await loadCheckpointFromIndexedDB('view', opts);
    expect(loaded).toEqual(bytes);
    expect(loaded!.buffer.byteLength).toBe(bytes.length);
  });

  it('the default database and store are descent / checkpoints', async () => {
    made.push('descent');
    await saveCheckpointToIndexedDB('default', bytes);
    expect(await listCheckpointsInIndexedDB({ database: 'descent', store: 'checkpoints' })).toEqual(['default']);
    const names = (await indexedDB.databases()).map((d) => d.name);
    expect(names).toContain('descent');
  });

  it('distinct databases and stores do not mix, and a new store in an existing database is added', async () => {
    const one = database();
    const two = database();
    await saveCheckpointToIndexedDB('model', bytes, { database: one });
    // A second store in the same database: the database is upgraded, the first store kept.
    await saveCheckpointToIndexedDB('model', other, { database: one, store: 'drafts' });
    await saveCheckpointToIndexedDB('elsewhere', other, { database: two });
    expect(await loadCheckpointFromIndexedDB('model', { database: one })).toEqual(bytes);
    expect(await loadCheckpointFromIndexedDB('model', { database: one, store: 'drafts' })).toEqual(other);
    expect(await listCheckpointsInIndexedDB({ database: one })).toEqual(['model']);
    expect(await listCheckpointsInIndexedDB({ database: two })).toEqual(['elsewhere']);
    expect(await loadCheckpointFromIndexedDB('model', { database: two })).toBeNull();
    await deleteCheckpointFromIndexedDB('model', { database: one, store: 'drafts' });
    expect(await loadCheckpointFromIndexedDB('model', { database: one })).toEqual(bytes);
    expect(await listCheckpointsInIndexedDB({ database: one, store: 'drafts' })).toEqual([]);
  });

  it('saves into several new stores of one database at once (each call upgrades the database in turn)', async () => {
    const db = database();
    const stores = ['s1', 's2', 's3', 's4'];
    await Promise.all(stores.map((store, i) => saveCheckpointToIndexedDB('model', i % 2 ? other : bytes, { database: db, store })));
    for (const [i, store] of stores.entries()) expect(await loadCheckpointFromIndexedDB('model', { database: db, store })).toEqual(i % 2 ? other : bytes);
  });

  it('a failed transaction is a DataError naming the key, the database and the store, and saves nothing', async () => {
    const db = database();
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
      const request = put.apply(this, args);
      this.transaction.abort();
      return request;
    };
    let e: Error & { path: string; value: unknown };
    try {
      e = await rejection(saveCheckpointToIndexedDB('model', bytes, { database: db, store: 'kept' }));
    } finally {
      IDBObjectStore.prototype.put = put;
    }
    expect(e.name).toBe('DataError');
    expect(e.message).toMatch(new RegExp(`^cannot save checkpoint "model" to IndexedDB database "${db}", store "kept": AbortError`));
    expect(e).toMatchObject({ path: `indexedDB:${db}/kept`, value: 'model' });
    expect(await loadCheckpointFromIndexedDB('model', { database: db, store: 'kept' })).toBeNull();
  });

  it('a value that is not checkpoint bytes (written by something else) is a DataError on load', async () => {
    const db = database();
    await saveCheckpointToIndexedDB('model', bytes, { database: db });
    await new Promise<void>((resolve, reject) => {
      const open = indexedDB.open(db);
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const tx = open.result.transaction('checkpoints', 'readwrite');
        tx.objectStore('checkpoints').put({ weights: [1, 2] }, 'notes');
        tx.oncomplete = () => {
          open.result.close();
          resolve();
        };
        tx.onerror = () => reject(tx.error);
      };
    });
    const e = await rejection(loadCheckpointFromIndexedDB('notes', { database: db }));
    expect(e.name).toBe('DataError');
    expect(e.message).toBe(`loadCheckpointFromIndexedDB: key "notes" of IndexedDB database "${db}", store "checkpoints" holds {"weights":[1,2]}, not checkpoint bytes`);
    expect(e).toMatchObject({ path: `indexedDB:${db}/checkpoints`, value: 'notes' });
  });
});

describe('Blob, File and download', () => {
  it('readCheckpointBlob of checkpointBlob gives the identical bytes, and a File (as an <input type=file> gives) too', async () => {
    const blob = checkpointBlob(bytes);
    expect(blob.type).toBe('application/octet-stream');
    expect(await readCheckpointBlob(blob)).toEqual(bytes);
    // A view over shared memory (as over a threaded network's wasm memory), which a Blob refuses as such.
    const shared = new Uint8Array(new SharedArrayBuffer(bytes.length + 8));
    shared.set(bytes, 8);
    expect(await readCheckpointBlob(checkpointBlob(shared.subarray(8)))).toEqual(bytes);
    const file = new File([checkpointBlob(other)], 'model.safetensors');
    const read = await readCheckpointBlob(file);
    expect(read).toEqual(other);
    const net = await createNetwork(spec);
    loadCheckpoint(net, read);
    expect(saveCheckpoint(net)).toEqual(other);
    net.dispose();
  });

  it('downloadCheckpoint clicks a temporary <a download> with the filename and a blob: URL of the bytes, then revokes it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const clicked: { href: string; download: string; connected: boolean; hidden: boolean }[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push({ href: this.href, download: this.download, connected: this.isConnected, hidden: this.style.display === 'none' });
    });
    const revoke = vi.spyOn(URL, 'revokeObjectURL');
    try {
      const anchorsBefore = document.querySelectorAll('a').length;
      downloadCheckpoint(bytes, 'spiral.safetensors');
      expect(click).toHaveBeenCalledTimes(1);
      expect(clicked).toEqual([{ href: expect.stringMatching(/^blob:/), download: 'spiral.safetensors', connected: true, hidden: true }]);
      expect(document.querySelectorAll('a').length).toBe(anchorsBefore);
      // The URL serves the checkpoint until it is revoked, a while after the click.
      const served = new Uint8Array(await (await fetch(clicked[0].href)).arrayBuffer());
      expect(served).toEqual(bytes);
      expect(revoke).not.toHaveBeenCalled();
      vi.advanceTimersByTime(60_000);
      expect(revoke).toHaveBeenCalledWith(clicked[0].href);
      await expect(fetch(clicked[0].href)).rejects.toThrow();
      // The default filename.
      downloadCheckpoint(other);
      expect(clicked[1].download).toBe('model.safetensors');
      vi.advanceTimersByTime(60_000);
      expect(revoke).toHaveBeenCalledTimes(2);
    } finally {
      click.mockRestore();
      revoke.mockRestore();
      vi.useRealTimers();
    }
  });
});

it('files are a StateError in a browser that names the runtimes that have them and the alternatives', async () => {
  for (const call of [() => writeCheckpointFile('model.safetensors', bytes), () => readCheckpointFile('model.safetensors')]) {
    const e = await rejection(call());
    expect(e.name).toBe('StateError');
    expect(e.path).toBe('node:fs');
    expect(e.message).toMatch(/files need node:fs \(Node, Deno or Bun\).*downloadCheckpoint.*saveCheckpointToIndexedDB/);
  }
});
