import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle, engineLabel, runEngine, type EngineName, type EngineResult } from '../../bench/runtimes/engines.mjs';

// The promise in the README: the same seed gives the same bits on every JS engine. One fixed
// perturbed-GD run (test/engines/digest-entry.ts) in f64 and f32, on the wasm and the reference
// backend, through the shipped all-in-one module dist/embedded.js, reduced to SHA-256 of the final
// X and Y — computed in Node, Chromium, Firefox, Bun and Deno, and compared with Node's.
//
// Node, Chromium, Bun and Deno must run. Firefox may be skipped only if it never answers (missing,
// crashed, or over its time budget), and the reason is printed; a Firefox that answers with other
// bits or an error fails the test like any other engine.

const ENTRY = fileURLToPath(new URL('./digest-entry.ts', import.meta.url));
const REQUIRED: EngineName[] = ['node', 'chromium', 'bun', 'deno'];
const KEYS = ['f64 wasm', 'f64 reference', 'f32 wasm', 'f32 reference'];
// Firefox here runs its JIT-compiled code ~100× slower than the other engines (see
// bench/runtimes/README.md) and needs ~30 s for the four runs; it runs beside the others.
const FIREFOX_BUDGET_MS = 75_000;
const ENGINE_BUDGET_MS = 40_000;

interface DigestAnswer {
  digests: Record<string, string>;
  values: number;
  build: 'simd' | 'scalar';
}

describe('same bits on every engine', () => {
  let bundled: { file: string; cleanup: () => void };
  beforeAll(async () => {
    bundled = await bundle(ENTRY);
  }, 60_000);
  afterAll(() => bundled?.cleanup());

  it('Node, Chromium, Firefox, Bun and Deno give the same SHA-256 of final X, Y (f64/f32 × wasm/reference)', { timeout: 4 * 40_000 + 30_000 }, async () => { // the required engines run one after another, each within its budget
    const t0 = performance.now();
    // Firefox is the slowest here by far: start it first, on its own core, and run the rest one after
    // another beside it.
    const firefox = runEngine('firefox', { module: bundled.file, timeoutMs: FIREFOX_BUDGET_MS });
    const results = new Map<EngineName, EngineResult>();
    for (const name of REQUIRED) results.set(name, await runEngine(name, { module: bundled.file, timeoutMs: ENGINE_BUDGET_MS }));
    results.set('firefox', await firefox);

    const node = results.get('node')!;
    const nodeDigests = node.ok ? (node.value as DigestAnswer).digests : undefined;
    const lines = [`engine digests (${((performance.now() - t0) / 1000).toFixed(1)} s):`];
    for (const [name, r] of results) {
      if (!r.ok) {
        lines.push(`  ${engineLabel(r)}: ${r.phase === 'start' ? 'did not run' : 'FAILED'}: ${r.reason}`);
        continue;
      }
      const a = r.value as DigestAnswer;
      const cells = KEYS.map((k) => `${k} ${a.digests[k]?.slice(0, 12)}${nodeDigests && a.digests[k] !== nodeDigests[k] ? ' (≠ node!)' : ''}`);
      lines.push(`  ${engineLabel(r)} [${a.build}, ${r.seconds.toFixed(1)} s]${name === 'node' ? ' (reference)' : ''}: ${cells.join(', ')}`);
    }
    const ff = results.get('firefox')!;
    if (!ff.ok && ff.phase === 'start') lines.push(`  SKIPPED Firefox: ${ff.reason}`);
    console.log(lines.join('\n'));

    // Required engines must have run: an engine that could not start is a failure with its reason.
    for (const name of REQUIRED) {
      const r = results.get(name)!;
      expect(r.ok ? 'ran' : `${name} did not run: ${r.reason}`, `${name} must run`).toBe('ran');
    }
    // Firefox: skipped only when it never answered; an error inside the page is a failure.
    if (!ff.ok) expect(ff.phase === 'start' ? 'skipped' : `firefox failed: ${ff.reason}`).toBe('skipped');

    const ref = node.ok ? (node.value as DigestAnswer) : undefined;
    expect(ref).toBeDefined();
    // Shape sanity (40·4 + 30·4 values) and a digest per precision × backend.
    expect(ref!.values).toBe(280);
    expect(Object.keys(ref!.digests).sort()).toEqual([...KEYS].sort());
    for (const k of KEYS) expect(ref!.digests[k]).toMatch(/^[0-9a-f]{64}$/);
    // README: --backend wasm and --backend reference write byte-identical final.X / final.Y.
    expect(ref!.digests['f64 wasm']).toBe(ref!.digests['f64 reference']);
    expect(ref!.digests['f32 wasm']).toBe(ref!.digests['f32 reference']);
    expect(ref!.digests['f64 wasm']).not.toBe(ref!.digests['f32 wasm']);

    let compared = 0;
    for (const [name, r] of results) {
      if (!r.ok || name === 'node') continue;
      const a = r.value as DigestAnswer;
      expect(a.values, `${name}: values`).toBe(280);
      expect(a.digests, `${engineLabel(r)} vs Node`).toEqual(ref!.digests);
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(REQUIRED.length - 1);
  });
});
