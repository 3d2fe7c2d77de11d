/**
 * Rounding to the working precision, the one tool that makes the f32 reference exact: `rd` after
 * *every* operation is the identity for f64 and Math.fround for f32 — a double operation rounded to
 * f32 gives exactly the IEEE single result, so plain JS arithmetic followed by rd is bit-identical
 * to f32 arithmetic in Wasm. Used by the reference backend, the Wasm marshalling (values it
 * precomputes in T) and the loss set-up (src/problems/losses.ts).
 */
export type Round = (x: number) => number;
export const roundF64: Round = (x) => x;
export const roundF32: Round = Math.fround;

/** The rounding of a precision. */
export function roundOf(precision: 'f64' | 'f32'): Round {
  return precision === 'f32' ? roundF32 : roundF64;
}
