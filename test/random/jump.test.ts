import { describe, expect, it } from 'vitest';
import { fillGaussian, gaussians, seedGaussian } from '../../src/random/gaussian.js';
import { applyJump, groupJump, jumpGaussian, shareStart } from '../../src/random/jump.js';

describe('jump-ahead of the Gaussian lanes', () => {
  it.each([0, 1, 2, 3, 8, 1000, 40_001])('%i groups: the state drawing them leaves', (groups) => {
    const st = seedGaussian(`jump${groups}`);
    const drawn = st.slice();
    fillGaussian(new Float64Array(8 * groups), 0, 8 * groups, drawn);
    expect(Array.from(jumpGaussian(st, groups))).toEqual(Array.from(drawn));
    expect(Array.from(st)).toEqual(Array.from(seedGaussian(`jump${groups}`))); // the input is not touched
  });

  it('a fill split at shareStart and drawn from jumped lanes is the fill drawn at once', () => {
    const count = 1003; // 126 groups, the last one partial
    const whole = gaussians(count, seedGaussian('split'));
    for (const parts of [2, 3, 4]) {
      const out = new Float64Array(count);
      for (let t = 0; t < parts; t++) {
        const lo = 8 * shareStart(t, parts, count);
        const hi = Math.min(8 * shareStart(t + 1, parts, count), count);
        fillGaussian(out, lo, hi - lo, jumpGaussian(seedGaussian('split'), lo / 8));
      }
      expect(out).toEqual(whole);
    }
  });

  it('jumps compose: J(a)·J(b) = J(a + b)', () => {
    const st = seedGaussian('compose');
    expect(Array.from(jumpGaussian(jumpGaussian(st, 37), 91))).toEqual(Array.from(jumpGaussian(st, 128)));
    const lane = Int32Array.of(0x12345678, -7, 99, 1 << 31);
    expect(Array.from(applyJump(groupJump(0), lane))).toEqual(Array.from(lane)); // zero groups: the identity
    expect(Array.from(jumpGaussian(st, 0))).toEqual(Array.from(st));
  });
});
