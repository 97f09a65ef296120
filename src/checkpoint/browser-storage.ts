// Checkpoint bytes in a browser: as a Blob, as a download, read back from a Blob or File, and
// kept in IndexedDB under a key. Only web globals, looked up when a function is called, so this
// module loads anywhere; where a global is missing the call is a StateError naming it. Nothing
// here knows about networks: saveCheckpoint makes the bytes and loadCheckpoint takes them.
import { ConfigError, DataError, StateError } from '../errors.js';
import { describe } from '../util/describe.js';
import { mustBeMessage } from '../util/must-be.js';
import { OptionsReader } from '../util/options.js';

const MIME = 'application/octet-stream';
/**
 * How long a download's object URL outlives the click. The click resolves the URL at once by
 * the spec, but browsers have started downloads after it returned and failed on a revoked URL;
 * waiting only holds the bytes a little longer.
 */
const REVOKE_AFTER_MS = 30_000;

function checkBytes(caller: string, bytes: unknown): asserts bytes is Uint8Array {
  if (!(bytes instanceof Uint8Array)) throw new DataError(`${caller}: ${mustBeMessage('bytes', 'a Uint8Array (checkpoint bytes, as saveCheckpoint returns them)', bytes)}`, 'bytes', bytes);
}

function checkName(caller: string, path: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value === '') throw new ConfigError(`${caller}: ${mustBeMessage(path, 'a non-empty string', value)}`, path, value);
}

/** An error as 'Name: message' (DOMExceptions included). */
const errorText = (err: unknown) => (err instanceof Error || (typeof DOMException !== 'undefined' && err instanceof DOMException) ? `${err.name}: ${err.message}` : describe(err));

/** A copy of `bytes` over an ordinary ArrayBuffer, however they came (a view over shared wasm memory cannot go into a Blob or IndexedDB). */
const ownCopy = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => bytes.slice() as Uint8Array<ArrayBuffer>;

/** Checkpoint bytes as a Blob (`application/octet-stream`), for an upload, a Worker or a download link of your own. */
export function checkpointBlob(bytes: Uint8Array): Blob {
  checkBytes('checkpointBlob', bytes);
  if (typeof Blob === 'undefined') throw new StateError('checkpointBlob: this runtime has no Blob', 'Blob', undefined);
  return new Blob([ownCopy(bytes)], { type: MIME });
}

/**
 * Offers checkpoint bytes to the user as a file download named `filename`, from a browser page
 * (a temporary object URL and `<a download>`). Elsewhere it is a StateError: a Worker has no
 * document (post the bytes to the page), and Node, Deno and Bun write files (writeCheckpointFile).
 */
export function downloadCheckpoint(bytes: Uint8Array, filename = 'model.safetensors'): void {
  checkBytes('downloadCheckpoint', bytes);
  checkName('downloadCheckpoint', 'filename', filename);
  if (typeof document === 'undefined' || typeof URL.createObjectURL !== 'function') {
    throw new StateError('downloadCheckpoint needs a browser page (a document): in a Worker post the bytes to the page, in Node, Deno or Bun use writeCheckpointFile', 'document', undefined);
  }
  const url = URL.createObjectURL(checkpointBlob(bytes));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.style.display = 'none';
  // In the document while clicked: some browsers ignore a click on a detached link. (No body
  // yet when called from a script in the head.)
  (document.body ?? document.documentElement).append(link);
  try {
    link.click();
  } finally {
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
  }
}

/** The bytes of a Blob or File (an `<input type=file>`'s, a fetch response's blob()), for loadCheckpoint. */
export async function readCheckpointBlob(blob: Blob): Promise<Uint8Array> {
  if (typeof (blob as Partial<Blob> | null)?.arrayBuffer !== 'function') {
    throw new DataError(`readCheckpointBlob: ${mustBeMessage('blob', 'a Blob or File', blob)}`, 'blob', blob);
  }
  try {
    return new Uint8Array(await blob.arrayBuffer());
  } catch (err) {
    // A File changed or removed on disk since it was picked reads as NotReadableError.
    const name = (blob as Partial<File>).name;
    throw new DataError(`readCheckpointBlob: cannot read ${name ? JSON.stringify(name) : 'the blob'}: ${errorText(err)}`, 'blob', blob);
  }
}

/** Where checkpoints are kept in IndexedDB: one object store of one database, created when first used. */
export interface IndexedDBOptions {
  /** The database name (default `'descent'`). */
  database?: string;
  /** The object store in it (default `'checkpoints'`). */
  store?: string;
}

interface Place {
  idb: IDBFactory;
  database: string;
  store: string;
}

/** The checked options and the runtime's IndexedDB. */
function place(caller: string, options: IndexedDBOptions): Place {
  const error = (message: string, path: string, value: unknown) => new ConfigError(`${caller}: ${message}`, path, value);
  const r = OptionsReader.read(options, 'options', ['database', 'store'] as const, 'an IndexedDB option', 'an object ({ database, store })', { defaults: { database: 'descent', store: 'checkpoints' }, error });
  const [database, store] = (['database', 'store'] as const).map((key) => {
    const v = r.value(key);
    if (typeof v !== 'string' || v === '') throw r.fail(key, 'a non-empty string');
    return v;
  });
  const idb = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!idb) {
    throw new StateError(`${caller}: this runtime has no indexedDB (a browser page or Worker has it); in Node, Deno or Bun use writeCheckpointFile, or keep the bytes`, 'indexedDB', undefined);
  }
  return { idb, database, store };
}

/** A request's result, or its error. */
function settle<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * A connection to the database with the store in it. A new database, or one without the store,
 * is opened again at the next version and the store created in the upgrade; a connection that
 * another one's upgrade asks to close closes, so calls in other tabs never wait on this one.
 */
async function connect({ idb, database, store }: Place): Promise<IDBDatabase> {
  let version: number | undefined;
  // Retried: another tab or call may upgrade the database to add its own store between our
  // look and our upgrade, taking the version we asked for.
  for (let attempt = 0; attempt < 5; attempt++) {
    const request = idb.open(database, version);
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(store)) request.result.createObjectStore(store);
    };
    const db = await settle(request);
    if (db.objectStoreNames.contains(store)) {
      db.onversionchange = () => db.close();
      return db;
    }
    version = db.version + 1;
    db.close();
  }
  throw new Error(`the object store could not be created (the database's version kept changing)`);
}

/**
 * Runs `work` in one transaction on the store and closes the connection afterwards. It resolves
 * when the transaction completes (for a write: once it is on disk), and any failure is a
 * DataError naming the key, the database and the store.
 */
async function inStore<T>(where: Place, mode: IDBTransactionMode, failure: string, key: unknown, work: (store: IDBObjectStore) => IDBRequest): Promise<T> {
  let db: IDBDatabase | undefined;
  try {
    db = await connect(where);
    // 'strict': a checkpoint written is flushed, as writeCheckpointFile fsyncs (browsers may default to relaxed).
    const tx = db.transaction(where.store, mode, mode === 'readwrite' ? { durability: 'strict' } : undefined);
    const request = work(tx.objectStore(where.store));
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? request.error);
      tx.onabort = () => reject(tx.error ?? new Error('the transaction was aborted'));
    });
    return request.result as T;
  } catch (err) {
    throw new DataError(`${failure} IndexedDB database ${JSON.stringify(where.database)}, store ${JSON.stringify(where.store)}: ${errorText(err)}`, `indexedDB:${where.database}/${where.store}`, key);
  } finally {
    db?.close();
  }
}

/** Keeps checkpoint bytes (a copy) in IndexedDB under `key`, replacing what was there. */
export async function saveCheckpointToIndexedDB(key: string, bytes: Uint8Array, options: IndexedDBOptions = {}): Promise<void> {
  checkName('saveCheckpointToIndexedDB', 'key', key);
  checkBytes('saveCheckpointToIndexedDB', bytes);
  const where = place('saveCheckpointToIndexedDB', options);
  // A copy of exactly these bytes: a view would store its whole buffer (all of a wasm memory,
  // say), and a view over shared memory cannot be stored at all.
  const copy = ownCopy(bytes);
  await inStore(where, 'readwrite', `cannot save checkpoint ${JSON.stringify(key)} to`, key, (s) => s.put(copy, key));
}

/** The checkpoint bytes kept under `key`, or null when there are none. */
export async function loadCheckpointFromIndexedDB(key: string, options: IndexedDBOptions = {}): Promise<Uint8Array | null> {
  checkName('loadCheckpointFromIndexedDB', 'key', key);
  const where = place('loadCheckpointFromIndexedDB', options);
  const value = await inStore<unknown>(where, 'readonly', `cannot load checkpoint ${JSON.stringify(key)} from`, key, (s) => s.get(key));
  if (value === undefined) return null;
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  // Something else wrote to this store.
  throw new DataError(`loadCheckpointFromIndexedDB: key ${JSON.stringify(key)} of IndexedDB database ${JSON.stringify(where.database)}, store ${JSON.stringify(where.store)} holds ${describe(value)}, not checkpoint bytes`, `indexedDB:${where.database}/${where.store}`, key);
}

/** Removes the checkpoint kept under `key` (nothing happens when there is none). */
export async function deleteCheckpointFromIndexedDB(key: string, options: IndexedDBOptions = {}): Promise<void> {
  checkName('deleteCheckpointFromIndexedDB', 'key', key);
  const where = place('deleteCheckpointFromIndexedDB', options);
  await inStore(where, 'readwrite', `cannot delete checkpoint ${JSON.stringify(key)} from`, key, (s) => s.delete(key));
}

/** The keys of the checkpoints kept in the store, in IndexedDB's key order (sorted). */
export async function listCheckpointsInIndexedDB(options: IndexedDBOptions = {}): Promise<string[]> {
  const where = place('listCheckpointsInIndexedDB', options);
  const keys = await inStore<IDBValidKey[]>(where, 'readonly', 'cannot list the checkpoints of', undefined, (s) => s.getAllKeys());
  // Only string keys: they are the ones these functions write and can load.
  return keys.filter((k): k is string => typeof k === 'string');
}
