import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundle, engineLabel, runEngine, type EngineName } from '../../bench/runtimes/engines.mjs';

// The spectra's promise: the same seed gives the same numbers in every engine. Lanczos, QL, Hutch++
// and SLQ use + − × ÷, sqrt and detmath's exp only, in a fixed order; this checks the bits of two
// full reports (test/engines/spectrum-entry.ts) in the CLI engines, which start in about a second.
// (Chromium and Firefox gave the same hash when run by hand through bench/runtimes/engines.mjs;
// they are left to digest.test.ts's budget.)
const ENTRY = fileURLToPath(new URL('./spectrum-entry.ts', import.meta.url));
const ENGINES: EngineName[] = ['node', 'bun', 'deno'];

describe('curvature reports: same bits on every engine', () => {
  let bundled: { file: string; cleanup: () => void };
  beforeAll(async () => {
    bundled = await bundle(ENTRY);
  }, 60_000);
  afterAll(() => bundled?.cleanup());

  it('Node, Bun and Deno hash the same top/min/trace/density', { timeout: 90_000 }, async () => {
    const answers: Record<string, unknown> = {};
    for (const name of ENGINES) {
      const r = await runEngine(name, { module: bundled.file, timeoutMs: 25_000 });
      answers[engineLabel(r)] = r.ok ? r.value : `did not run: ${r.reason}`;
    }
    const values = Object.values(answers);
    expect((values[0] as { values: number }).values).toBe(814);
    for (const v of values) expect(v).toEqual(values[0]);
  });
});
