// Reading an input file for the CLI, with a DataError that says why it could not be read.
import { readFile } from 'node:fs/promises';
import { DataError } from '../errors.js';

function unreadable(err: unknown, path: string, what: string): DataError {
  const e = err as NodeJS.ErrnoException;
  const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'it is a directory' : e.message;
  return new DataError(`cannot read ${what ? what + ' ' : ''}${path}: ${why}`, path, path);
}

/** The UTF-8 text of `path`; `what` names the file in the error ("replay case", …). */
export async function readText(path: string, what = ''): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw unreadable(err, path, what);
  }
}

/** The bytes of `path` (a checkpoint, …); `what` names the file in the error. */
export async function readBytes(path: string, what = ''): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (err) {
    throw unreadable(err, path, what);
  }
}
