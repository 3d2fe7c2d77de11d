/**
 * Shapes of a deep linear network A = W_L ⋯ W_1: `dims` = [d_0 = d_in, d_1, …, d_L = d_out], W_l is
 * d_l × d_{l−1}, and the parameter vector is [W_1 | W_2 | … | W_L], each packed row-major (the
 * layout both backends and every checkpoint use).
 */
export type Dims = readonly number[];

/** Depth L (number of weight matrices). */
export function depthOf(dims: Dims): number {
  return dims.length - 1;
}

/** Offsets of W_1 … W_L in the parameter vector, plus the total length at index L. */
export function layerOffsets(dims: Dims): number[] {
  const o = [0];
  for (let l = 1; l < dims.length; l++) o.push(o[l - 1] + dims[l] * dims[l - 1]);
  return o;
}

/** dims for input d_in, output d_out, `depth` layers and a common hidden width. */
export function uniformDims(dIn: number, dOut: number, depth: number, width: number): number[] {
  return [dIn, ...Array.from({ length: depth - 1 }, () => width), dOut];
}

/** Flat indices i·cols + j of the observed entries (mask ≠ 0), ascending. */
export function observedIndices(mask: ArrayLike<number>): Int32Array {
  const out: number[] = [];
  for (let k = 0; k < mask.length; k++) if (mask[k] !== 0) out.push(k);
  return Int32Array.from(out);
}

/** Pack [W_1, …, W_L] (arrays of rows) into one parameter vector. */
export function packLayers(layers: ReadonlyArray<ReadonlyArray<ArrayLike<number>>>): Float64Array {
  const rows = layers.flatMap((W) => W.map((r) => Array.from(r)));
  return Float64Array.from(rows.flat());
}
