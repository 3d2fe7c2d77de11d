import { describe, it, expect } from 'vitest';
import { FlatminError } from '../../src/errors.js';
import { Arena } from '../../src/backends/wasm/buffers.js';
import { MAX_BLOCK_BYTES, MAX_HEAP_BYTES, type CoreExports } from '../../src/backends/wasm/loader.js';
import { wasmBackend } from '../../src/backends/index.js';
import { seedGaussian } from '../../src/random/gaussian.js';
import { instantiateBuild, thrown } from '../helpers.js';

function expectOutOfMemory(e: unknown): void {
  expect(e).toBeInstanceOf(FlatminError);
  expect((e as FlatminError).code).toBe('OUT_OF_MEMORY');
}

/**
 * Fills the heap: blocks of 512 MiB, then halving down to 16 bytes, each size as often as it fits.
 * Nothing is written, so the pages are reserved by the engine but never touched (RSS stays small).
 */
function fill(core: CoreExports): number[] {
  const ptrs: number[] = [];
  for (let size = 2 ** 29; size >= 16; ) {
    try {
      ptrs.push(core.alloc(size));
    } catch (e) {
      expectOutOfMemory(e);
      size /= 2;
    }
  }
  return ptrs;
}

// One fresh instance per test: each grows its memory to the full 4 GiB.
describe.each(['simd', 'scalar'] as const)('the Wasm heap (%s build)', (build) => {
  it('is usable to 4 GiB: pointers past 2 GiB are unsigned and readable, then a clean OUT_OF_MEMORY', async () => {
    const core = await instantiateBuild(build);
    const ptrs = fill(core);
    expect(core.memory.buffer.byteLength).toBe(MAX_HEAP_BYTES);
    expect(Math.min(...ptrs)).toBeGreaterThan(0);
    const top = Math.max(...ptrs);
    expect(top).toBeGreaterThan(2 ** 31 + 2 ** 30);
    // The last blocks really are addressable: write through a view past 3 GiB and read it back.
    const view = new Float64Array(core.memory.buffer, top, 2);
    view[1] = 42.5;
    expect(new Float64Array(core.memory.buffer, top, 2)[1]).toBe(42.5);
    const e = thrown(() => core.alloc(1024));
    expectOutOfMemory(e);
    expect((e as FlatminError).details).toMatchObject({ bytes: 1024, heapBytes: MAX_HEAP_BYTES });
    // Freed memory is reusable after the failure: the allocator's state survived the trap.
    for (const p of ptrs) core.free(p);
    const again = core.alloc(2 ** 29);
    expect(again).toBeGreaterThan(0);
  });

  it('a buffer over the 1 GiB block limit is an OUT_OF_MEMORY before the core is called', async () => {
    const core = await instantiateBuild(build);
    const before = core.memory.buffer.byteLength;
    expectOutOfMemory(thrown(() => core.alloc(MAX_BLOCK_BYTES + 1)));
    expectOutOfMemory(thrown(() => new Arena(core).alloc(Float64Array, 2 ** 28)));
    expect(core.memory.buffer.byteLength).toBe(before);
  });

  it('an Arena that fails half-way frees what it had allocated; the next create works', async () => {
    const core = await instantiateBuild(build);
    // A 1 MiB hole in an otherwise full heap.
    const hole = core.alloc(2 ** 20);
    const ptrs = fill(core);
    core.free(hole);
    // 256×256 f64: M (512 KiB) fits into the hole, Mᵀ (another 512 KiB plus block headers) does not.
    const n = 256;
    const r = 2;
    const input = {
      n, m: n, r, precision: 'f64' as const,
      M: new Float64Array(n * n).fill(0.001), theta: new Float64Array(2 * n * r).fill(0.01), rng: seedGaussian('heap'),
    };
    const backend = wasmBackend(core);
    expectOutOfMemory(thrown(() => backend.factorization(input)));
    // Nothing leaked: the hole can be taken again (15/16 of it: TLSF rounds a request up to the
    // next size class, so not even the untouched 1 MiB hole would serve a 1 MiB request).
    const retaken = core.alloc(2 ** 20 - 2 ** 16);
    core.free(retaken);
    for (const p of ptrs) core.free(p);
    const session = backend.factorization(input);
    const out = session.run(3, { lr: 0.01, sigmaX: 0, sigmaY: 0, scale: 1, scaleMul: 1 });
    expect(out.done).toBe(3);
    expect(Number.isFinite(session.loss())).toBe(true);
    session.dispose();
  });
});
