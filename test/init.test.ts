import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getBackend } from '../src/backends/index.js';
import { coreModule, defaultSource, loadCore } from '../src/backends/wasm/loader.js';
import { init } from '../src/init.js';

// init({ wasm }) takes the core in every form a page or a bundler may hold it.
const file = defaultSource('simd') as URL;
const bytes = () => new Uint8Array(readFileSync(file));

describe('init({ wasm })', () => {
  it.each([
    ['a file URL', () => file],
    ['a URL string', () => file.href],
    ['the bytes', bytes],
    ['an ArrayBuffer', () => bytes().buffer],
    ['a Response', () => new Response(bytes(), { headers: { 'content-type': 'application/wasm' } })],
    ['a compiled WebAssembly.Module', () => new WebAssembly.Module(bytes())],
  ])('accepts %s, and runs on it', async (_what, source) => {
    await init({ wasm: source() });
    const core = await loadCore();
    expect(await coreModule()).toBeInstanceOf(WebAssembly.Module);
    const s = (await getBackend('wasm')).factorization({
      n: 2, m: 2, r: 1, precision: 'f64', M: Float64Array.of(1, 0, 0, 1), theta: Float64Array.of(1, 1, 1, 1), rng: new Int32Array(16).fill(1),
    });
    expect(s.run(3, { lr: 0.1, sigmaX: 0, sigmaY: 0, scale: 1, scaleMul: 1 }).done).toBe(3);
    s.dispose();
    expect(core.memory).toBeInstanceOf(WebAssembly.Memory);
  });

  it('a source that is not Wasm is a typed WASM error', async () => {
    await expect(init({ wasm: new Uint8Array([1, 2, 3]) })).rejects.toMatchObject({ code: 'WASM', path: 'wasm' });
    await expect(init({ wasm: new Response('not wasm', { status: 404 }) })).rejects.toMatchObject({ code: 'WASM' });
    await init(); // and the default loads again afterwards
  });
});
