import { constants } from 'node:fs';
import { access, mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { FlatminError } from '../errors.js';

/** The file system as the CLI uses it: every failure a one-line IO error naming the file. */

const why = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

export async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new FlatminError('IO', file, `cannot read: ${why(e)}`);
  }
}

/**
 * Writes `text` to `file` atomically: a temporary file beside it, then a rename, so a reader (or a
 * resume after a crash) sees the old content or the new one, never half of either.
 */
export async function writeText(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, file);
  } catch (e) {
    throw new FlatminError('IO', file, `cannot write: ${why(e)}`);
  }
}

/**
 * writeText for text made in pieces (report/jsonChunks.ts): the same temporary file and rename,
 * written piece by piece so the whole text is never held at once.
 */
export async function writeChunks(file: string, chunks: Iterable<string>): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const fh = await open(tmp, 'w');
    try {
      for (const c of chunks) await fh.write(c);
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (e) {
    throw new FlatminError('IO', file, `cannot write: ${why(e)}`);
  }
}

export async function ensureDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new FlatminError('IO', dir, `cannot create directory: ${why(e)}`);
  }
}

/** Fails now, not after the run, when `file` could not be written (its directory missing or read-only). */
export async function checkWritable(file: string): Promise<void> {
  try {
    await access(dirname(file), constants.W_OK);
  } catch (e) {
    throw new FlatminError('IO', file, `cannot write: ${why(e)} (its directory must exist and be writable; checked before the run)`);
  }
}
