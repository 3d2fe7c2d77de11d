import { singularValues as svdValues } from '../linalg/svd.js';
import { exp, log } from '../math/detmath.js';

/**
 * Rank diagnostics of an end-to-end matrix (THEORY.md §2). Plain TS on a small matrix, run every
 * recordEvery steps: the singular values only (src/linalg/svd.ts, bit-identical across engines).
 */

/** Singular values of the rows×cols row-major matrix A, descending. */
export function singularValues(A: Float64Array, rows: number, cols: number): Float64Array {
  return svdValues({ rows, cols, data: A });
}

/** Rank: singular values above max(1e−2·s₁, 1e−6). */
export function rankOf(s: Float64Array): number {
  if (s.length === 0) return 0;
  const tol = Math.max(1e-2 * s[0], 1e-6);
  return count(s, tol);
}

/** Deep rank: singular values above 1e−6·s₁ — directions that have not decayed to rounding level. */
export function deepRankOf(s: Float64Array): number {
  if (s.length === 0) return 0;
  return count(s, 1e-6 * s[0]);
}

/**
 * Roy–Vetterli effective rank exp(−Σ p_i log p_i), p_i = s_i/Σ s_j (Arora, Cohen, Hu, Luo 2019
 * plot it): between 1 and the number of nonzero s_i, continuous where rankOf jumps. Summed in
 * descending order with detmath's log/exp, so every engine gives the same bits; 0 for A = 0.
 */
export function effectiveRankOf(s: Float64Array): number {
  let total = 0;
  for (let i = 0; i < s.length; i++) total += s[i];
  if (!(total > 0)) return 0;
  let h = 0;
  for (let i = 0; i < s.length; i++) {
    const p = s[i] / total;
    if (p > 0) h -= p * log(p);
  }
  return exp(h);
}

function count(s: Float64Array, tol: number): number {
  let r = 0;
  for (let i = 0; i < s.length; i++) if (s[i] > tol) r++;
  return r;
}

/** A change of rank between two recordings: at `step` (the later one) it went `from` → `to`. */
export interface RankJump {
  step: number;
  from: number;
  to: number;
  /** true: the deep rank changed (a direction vanished or came back); false: the rank did. */
  deep: boolean;
}

/** Follows rank and deep rank over recordings and logs every change of either. */
export class RankTracker {
  readonly jumps: RankJump[] = [];
  rank = -1;
  deepRank = -1;

  /** Record the singular values seen at `step`; returns the jumps this recording added. */
  observe(step: number, s: Float64Array): RankJump[] {
    const rank = rankOf(s);
    const deep = deepRankOf(s);
    const added: RankJump[] = [];
    if (this.rank >= 0 && rank !== this.rank) added.push({ step, from: this.rank, to: rank, deep: false });
    if (this.deepRank >= 0 && deep !== this.deepRank) added.push({ step, from: this.deepRank, to: deep, deep: true });
    this.rank = rank;
    this.deepRank = deep;
    this.jumps.push(...added);
    return added;
  }
}
