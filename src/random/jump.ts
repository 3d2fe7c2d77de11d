import { GROUP, LANES, type GaussianState } from './gaussian.js';

/**
 * Jump-ahead for the Gaussian lanes (./gaussian.ts): where a lane's xor128 state will be after g
 * groups, without drawing them — so that threads can each draw their own part of one fill and the
 * stream's bits stay those of one thread drawing it all (assembly/programs/draw.ts).
 *
 * xor128 is linear over GF(2): one step maps the 128 state bits (x, y, z, w) by a fixed 128×128
 * bit matrix T, so n steps are Tⁿ, which square-and-multiply builds in O(log n) matrix products.
 * A group takes 4 steps in every lane (two doubles of two words each), so g groups are T^(4g) —
 * unless a lane rejected a 0 double on the way (2 more steps; p = 2⁻⁵³ a draw), which the drawing
 * side detects and then draws the fill on one thread instead.
 *
 * A matrix is 128 columns, column i the image of state bit i (bit i & 31 of word i >> 5 of
 * [x, y, z, w]), each column the four words [x, y, z, w]: 512 int32, the layout the Wasm side
 * reads (one v128 per column).
 */
export type JumpMatrix = Int32Array;

const BITS = 128;

/** M·s for one lane's state s = [x, y, z, w]: the XOR of the columns of s's set bits. */
export function applyJump(m: JumpMatrix, s: ArrayLike<number>): Int32Array {
  const out = new Int32Array(4);
  for (let i = 0; i < BITS; i++) {
    if (((s[i >> 5] >>> (i & 31)) & 1) === 0) continue;
    for (let q = 0; q < 4; q++) out[q] ^= m[4 * i + q];
  }
  return out;
}

/** A·B (first B, then A). */
function compose(a: JumpMatrix, b: JumpMatrix): JumpMatrix {
  const out = new Int32Array(4 * BITS);
  for (let i = 0; i < BITS; i++) out.set(applyJump(a, b.subarray(4 * i, 4 * i + 4)), 4 * i);
  return out;
}

/** T: one xor128 step, column by column (the step of ./xor128.ts nextInt32 on a unit state). */
function oneStep(): JumpMatrix {
  const m = new Int32Array(4 * BITS);
  for (let i = 0; i < BITS; i++) {
    const s = new Int32Array(4);
    s[i >> 5] = 1 << (i & 31);
    const [x, y, z, w] = s;
    const t = x ^ (x << 11);
    m.set([y, z, w, w ^ (w >>> 19) ^ t ^ (t >>> 8)], 4 * i);
  }
  return m;
}

/** T^(4·2^k) for k = 0, 1, …: one group, two groups, four …, squared as they are needed. */
const groupPowers: JumpMatrix[] = [];

function groupPower(k: number): JumpMatrix {
  if (groupPowers.length === 0) {
    const t = oneStep();
    const t2 = compose(t, t);
    groupPowers.push(compose(t2, t2));
  }
  while (groupPowers.length <= k) {
    const last = groupPowers[groupPowers.length - 1];
    groupPowers.push(compose(last, last));
  }
  return groupPowers[k];
}

/** The matrix that advances a lane by `groups` groups (4·groups xor128 steps); groups ≥ 0, an integer. */
export function groupJump(groups: number): JumpMatrix {
  let m: JumpMatrix | undefined;
  for (let k = 0; 2 ** k <= groups; k++) {
    if (Math.floor(groups / 2 ** k) % 2 === 1) m = m ? compose(groupPower(k), m) : groupPower(k).slice();
  }
  if (m) return m;
  const id = new Int32Array(4 * BITS);
  for (let i = 0; i < BITS; i++) id[4 * i + (i >> 5)] = 1 << (i & 31);
  return id;
}

/** The Gaussian state (all four lanes, structure-of-arrays) advanced by `groups` groups without drawing. */
export function jumpGaussian(st: GaussianState, groups: number): GaussianState {
  const m = groupJump(groups);
  const out = new Int32Array(4 * LANES);
  for (let j = 0; j < LANES; j++) {
    const s = applyJump(m, [st[j], st[LANES + j], st[2 * LANES + j], st[3 * LANES + j]]);
    for (let q = 0; q < 4; q++) out[q * LANES + j] = s[q];
  }
  return out;
}

/**
 * Where thread t of `parts` starts drawing a fill of `count` normals: the first group of its share
 * (shares are whole groups, floor(t·G/parts) with G = ⌈count / 8⌉ — assembly/programs/draw.ts uses
 * the same rule).
 */
export function shareStart(t: number, parts: number, count: number): number {
  const groups = Math.ceil(count / GROUP);
  return Math.floor((t * groups) / parts);
}
