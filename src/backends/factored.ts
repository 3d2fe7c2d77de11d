import { FlatminError } from '../errors.js';
import type { LowRank } from '../linalg/lowRank.js';
import type { DataLoss } from './types.js';

/** The factored loss's A (n×k) and B (m×k) as Matrices over the same arrays (no copy). */
export function factorsOf(loss: Extract<DataLoss, { kind: 'factored' }>, n: number, m: number): LowRank {
  return { A: { rows: n, cols: loss.k, data: loss.A }, B: { rows: m, cols: loss.k, data: loss.B } };
}

/** Session.endToEnd on a factored target: W = XYᵀ is n×m, which such a session never forms. */
export function noEndToEnd(): FlatminError {
  return new FlatminError('USAGE', 'endToEnd', 'a session on a factored target never forms the n×m matrix XYᵀ; read θ (theta()) and multiply the factors where you need entries');
}
