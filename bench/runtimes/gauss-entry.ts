/**
 * fillGaussian alone (the noise of a step), bundled and run in each engine by probes.mjs: ns per
 * normal, drawing `count` normals per call into the core's memory.
 */
import '../../src/platform/embedded.js';
import { loadCore } from '../../src/backends/wasm/loader.js';
import { timeRunner } from '../stats.js';

export async function main(args: { count: number }): Promise<{ gaussNsPerNormal: number }> {
  const core = await loadCore();
  const out = core.alloc(args.count * 8);
  const st = core.alloc(64);
  new Int32Array(core.memory.buffer, st, 16).set(Array.from({ length: 16 }, (_, i) => 12345 + i * 7919));
  const t = timeRunner({
    step(k) {
      for (let i = 0; i < k; i++) core.fillGaussian(out, args.count, st);
    },
    read: () => new Float64Array(0),
    dispose() {},
  }, { targetSec: 0.2, repeats: 5, warmupSec: 0.2, maxSteps: 1e7, settleSec: 2 });
  return { gaussNsPerNormal: (t.median / args.count) * 1e9 };
}
