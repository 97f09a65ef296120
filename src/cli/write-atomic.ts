// Writing a file so a crash never leaves half of it: the bytes go to a temporary file beside
// the target, are flushed to disk, then renamed over it (rename is atomic on one file system),
// so the path holds either the old file or the whole new one.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { DataError } from '../errors.js';

export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const temp = `${path}.${process.pid}.${Date.now().toString(36)}.tmp`;
  try {
    const fd = openSync(temp, 'w');
    try {
      for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw new DataError(`cannot write ${path}: ${(err as Error).message}`, path, path);
  }
}
