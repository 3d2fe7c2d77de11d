/**
 * The pool's sleeps (assembly/kernels/pool.ts join, assembly/threads.ts workerLoop) in V8's
 * baseline tier. Node 20's Liftoff miscompiled memory.atomic.wait32 in a loop: the main thread
 * slept on address 0 instead of the job word DONE and a threaded run hung — only under load (a
 * thread sleeps only after spinning ≈ 0.25–1 ms) and only in Liftoff code with tier-up checks,
 * so the ordinary suites passed. The core now sleeps through the import env.poolWait
 * (Atomics.wait). Here child processes run threaded sessions on the compiled package (needs
 * `npm run build`) with `spin: false` (every thread sleeps at once: every wait path, every job) and
 * with the default spin: Node pinned to the baseline tier (with and without its tier-up checks),
 * Bun and Deno. test/backends/threads.test.ts runs the sleepy sessions in this process and in
 * Chromium.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionInput } from '../../src/backends/types.js';
import { seedGaussian } from '../../src/random/gaussian.js';
import { lcg } from '../helpers.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

function input(): SessionInput {
  const rnd = lcg(7);
  const model = { kind: 'factorization' as const, n: 70, m: 54, r: 5 };
  return { model, precision: 'f64', loss: { kind: 'full', M: Float64Array.from({ length: 70 * 54 }, rnd) }, lambda: 0.01,
    theta: Float64Array.from({ length: (70 + 54) * 5 }, () => 0.3 * rnd()), rng: seedGaussian('pool-wait') };
}
/** The input as JSON for a child process (it rebuilds the typed arrays; JSON keeps every double exactly). */
function plain(x: SessionInput): unknown {
  return { ...x, loss: { kind: 'full', M: Array.from((x.loss as { M: Float64Array }).M) }, theta: Array.from(x.theta), rng: Array.from(x.rng) };
}
const STEP = { lr: 0.002, noise: { kind: 'perturbed' as const, sigma: [0.01, 0.01] }, scale: 1, scaleMul: 1 };
const SLEEPY = { minWork: 1 << 10, minDraw: 64, spin: false };

describe('the pool sleeps through env.poolWait: in V8\'s baseline tier, Bun and Deno too', () => {
  it('the threads build imports env.poolWait and has no memory.atomic.wait instruction', () => {
    const bytes = readFileSync(`${ROOT}/build/flatmin-threads.wasm`);
    expect(WebAssembly.Module.imports(new WebAssembly.Module(bytes))).toContainEqual({ module: 'env', name: 'poolWait', kind: 'function' });
    const wat = readFileSync(`${ROOT}/build/flatmin-threads.wat`, 'utf8'); // the same build's text (asconfig.json textFile)
    expect(wat).toContain('(import "env" "poolWait"');
    expect(wat).not.toMatch(/memory\.atomic\.wait(32|64)/);
  });

  // The same in child processes on the compiled package: Node with its Wasm kept in the baseline
  // tier — with its tier-up checks (the budget never runs out: the shape that hung) and without
  // them — and Bun and Deno, which run the pool on their worker_threads. A hang is a timeout: a failure.
  const script = () => `
await import(${JSON.stringify(`${ROOT}/dist/platform/node.js`)});
const { getBackend } = await import(${JSON.stringify(`${ROOT}/dist/backends/index.js`)});
const { threadedCore, threadedSession } = await import(${JSON.stringify(`${ROOT}/dist/backends/wasm/threads.js`)});
const base = ${JSON.stringify(plain(input()))};
const input = () => ({ ...base, loss: { kind: 'full', M: Float64Array.from(base.loss.M) }, theta: Float64Array.from(base.theta), rng: Int32Array.from(base.rng) });
const STEP = ${JSON.stringify(STEP)};
const bits = (s) => Array.from(new Uint8Array(s.theta().buffer), (b) => b.toString(16).padStart(2, '0')).join('');
const one = (await getBackend('wasm')).session(input());
one.run(12, STEP);
const out = { one: bits(one) };
for (const threads of [2, 3, 4]) for (const spin of [false, true]) {
  const s = threadedSession(await threadedCore(threads), input(), threads, { ...${JSON.stringify(SLEEPY)}, spin });
  for (let k = 0; k < 4; k++) s.run(3, STEP);
  out[threads + (spin ? ' spin' : ' sleep')] = bits(s);
}
console.log(JSON.stringify(out));
process.exit(0); // the pool's threads are unref'd; exit without waiting for them anyway
`;
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'flatmin-pool-wait-'));
    writeFileSync(join(dir, 'child.mjs'), script());
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const CHILDREN: Array<[string, () => [string, string[]]]> = [
    ['node --wasm-tiering-budget=2000000000', () => [process.execPath, ['--wasm-tiering-budget=2000000000', join(dir, 'child.mjs')]]],
    ['node --liftoff --no-wasm-tier-up', () => [process.execPath, ['--liftoff', '--no-wasm-tier-up', join(dir, 'child.mjs')]]],
    ['bun', () => [`${ROOT}/node_modules/.bin/bun`, [join(dir, 'child.mjs')]]],
    ['deno', () => [`${ROOT}/node_modules/.bin/deno`, ['run', '--quiet', '--no-config', '--no-lock', '-A', join(dir, 'child.mjs')]]],
  ];
  it.each(CHILDREN)('%s: threads that sleep at once or spin, 2–4 threads: no hang, the bits of one thread', (_name, command) => {
    const [cmd, argv] = command();
    const r = spawnSync(cmd, argv, { encoding: 'utf8', timeout: 60_000 });
    expect({ signal: r.signal, status: r.status, stderr: r.stderr }).toEqual({ signal: null, status: 0, stderr: '' });
    const out = JSON.parse(r.stdout) as Record<string, string>;
    for (const [k, v] of Object.entries(out)) expect({ k, v }).toEqual({ k, v: out.one });
    expect(Object.keys(out)).toHaveLength(7);
  }, 90_000);
});
