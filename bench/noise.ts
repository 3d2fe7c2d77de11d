/**
 * Gaussian noise, ns per draw: flatmin's Wasm fillGaussian (called directly on the core), the TS
 * reference's deterministic Box-Muller, and plain JS Box-Muller on Math.random/Math.log/Math.sin.
 * numpy's figure comes from the numpy peer. (f32 runs draw the same f64 stream and round it.)
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadCore, type CoreExports } from '../src/backends/wasm/loader.js';
import { fillGaussian as refFillGaussian, seedGaussian } from '../src/random/gaussian.js';
import { WASM_PATH } from './flatmin.js';
import { fillBoxMuller } from './peers/plainjs.js';
import { now } from './stats.js';

export interface NoiseVariant {
  name: string;
  unavailable(): Promise<string | null>;
  /** Set up a fill of `count` draws; returns the fill and its cleanup. */
  make(count: number): Promise<{ fill(): void; dispose(): void }>;
}

let core: Promise<CoreExports> | undefined;
const getCore = () => (core ??= loadCore(readFileSync(WASM_PATH)));

export const noiseVariants: NoiseVariant[] = [
  {
    name: 'flatmin wasm fillGaussian (f64)',
    unavailable: async () => (existsSync(WASM_PATH) ? null : `no ${WASM_PATH}`),
    async make(count) {
      const c = await getCore();
      const out = c.alloc(count * 8);
      const st = c.alloc(64);
      new Int32Array(c.memory.buffer, st, 16).set(seedGaussian(7));
      return {
        fill: () => c.fillGaussian(out, count, st),
        dispose: () => {
          c.free(out);
          c.free(st);
        },
      };
    },
  },
  {
    name: 'flatmin reference (TS, deterministic math)',
    unavailable: async () => null,
    async make(count) {
      const out = new Float64Array(count);
      const st = seedGaussian(7);
      return { fill: () => refFillGaussian(out, 0, count, st), dispose() {} };
    },
  },
  {
    name: 'plain JS Box-Muller (Math.random, Math.log, Math.sin/cos)',
    unavailable: async () => null,
    async make(count) {
      const out = new Float64Array(count);
      return { fill: () => fillBoxMuller(out), dispose() {} };
    },
  },
];

export interface NoiseRow {
  name: string;
  nsPerDraw?: number;
  skipped?: string;
}

/** Best-of-N ns per draw on a 16 Ki-draw buffer (L1/L2-resident, like a step's noise). */
export async function measureNoise(quick: boolean): Promise<NoiseRow[]> {
  const count = 1 << 14;
  const rows: NoiseRow[] = [];
  for (const v of noiseVariants) {
    const why = await v.unavailable();
    if (why) {
      rows.push({ name: v.name, skipped: why });
      continue;
    }
    const f = await v.make(count);
    try {
      for (let i = 0; i < (quick ? 5 : 50); i++) f.fill();
      let best = Infinity;
      for (let rep = 0; rep < (quick ? 3 : 10); rep++) {
        const t0 = now();
        for (let i = 0; i < 10; i++) f.fill();
        best = Math.min(best, (now() - t0) / (10 * count));
      }
      rows.push({ name: v.name, nsPerDraw: best * 1e9 });
    } finally {
      f.dispose();
    }
  }
  return rows;
}
