/**
 * A sweep's output directory (Node):
 *
 *   DIR/manifest.json      what made these results: flatmin version, Wasm SHA-256, spec SHA-256, engine, the spec
 *   DIR/runs/<key>.json    one finished run each, written atomically (temp file + rename)
 *   DIR/runs.jsonl, summary.csv, stats.json, plots/   written by merge (src/sweep/merge.ts)
 *
 * Shards of one sweep may share DIR (a cluster's shared file system): temp names carry host and
 * pid, a finished file is only ever renamed into place whole, and the manifest is the same bytes
 * from every shard on the same build.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { FlatminError } from '../errors.js';
import { simdSupported } from '../backends/wasm/loader.js';
import { currentPlatform } from '../platform/registry.js';
import { recordText, type RunRecord } from './record.js';
import { jsonText } from '../report/jsonChunks.js';

export interface Manifest {
  format: 'flatmin-sweep-1';
  flatmin: string;
  /** SHA-256 of the Wasm build that ran (hex). */
  wasmSha256: string;
  wasmBuild: 'simd' | 'scalar';
  /** SHA-256 of the spec as compact JSON (key order kept: it fixes the canonical order). */
  specSha256: string;
  engine: string;
  spec: unknown;
}

export function writeRecord(dir: string, record: RunRecord): Promise<void> {
  return writeAtomic(join(runsDir(dir), `${record.key}.json`), recordText(record));
}

/** Writes text to path so that a reader sees the old file, nothing, or the whole new one. */
export async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.${hostname()}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, path);
  } catch (e) {
    throw new FlatminError('IO', path, `cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export async function ensureDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new FlatminError('IO', dir, `cannot create directory: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export const runsDir = (dir: string): string => join(dir, 'runs');

/** Keys of the finished runs in DIR (temp files and anything else are ignored). */
export async function doneKeys(dir: string): Promise<Set<string>> {
  let names: string[];
  try {
    names = await readdir(runsDir(dir));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new Set();
    throw new FlatminError('IO', runsDir(dir), `cannot list: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return new Set(names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).map((n) => n.slice(0, -5)));
}

export async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new FlatminError('IO', path, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export async function flatminVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** The manifest of a sweep of `spec` run here (the Wasm build the platform loads, hashed). */
export async function currentManifest(spec: unknown): Promise<Manifest> {
  const platform = currentPlatform();
  if (!platform?.readFile) throw new FlatminError('USAGE', 'sweep', 'sweeps need the node entry (it reads the Wasm core from build/)');
  const build = simdSupported() ? 'simd' : 'scalar';
  const wasm = await platform.readFile(platform.wasmSource(build) as URL);
  return {
    format: 'flatmin-sweep-1', flatmin: await flatminVersion(), wasmSha256: sha256(wasm), wasmBuild: build,
    specSha256: sha256(JSON.stringify(spec)), engine: `node ${process.versions.node} (${process.platform}-${process.arch})`, spec,
  };
}

export async function readManifest(dir: string): Promise<Manifest | undefined> {
  const path = join(dir, 'manifest.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new FlatminError('IO', path, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text) as Manifest;
  } catch {
    throw new FlatminError('BAD_JSON', path, 'not a sweep manifest (invalid JSON)');
  }
}

/**
 * Writes DIR's manifest, or checks that the one there is for the same spec, flatmin and Wasm
 * build — results of another sweep or another build must not mix. (The engine may differ: every
 * engine computes the same bits.)
 */
export async function claimDir(dir: string, mine: Manifest): Promise<void> {
  const path = join(dir, 'manifest.json');
  await ensureDir(runsDir(dir));
  const there = await readManifest(dir);
  if (there) {
    for (const field of ['specSha256', 'flatmin', 'wasmSha256'] as const)
      if (there[field] !== mine[field])
        throw new FlatminError('USAGE', path, `this directory holds another sweep's results (${field} ${there[field]}, here ${mine[field]}); use another --out`);
    return;
  }
  await writeAtomic(path, jsonText(mine));
}
