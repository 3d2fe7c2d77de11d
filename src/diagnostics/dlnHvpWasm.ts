import { FlatminError } from '../errors.js';
import type { FactorizationLoss } from '../backends/types.js';
import { Arena } from '../backends/wasm/buffers.js';
import type { CoreExports } from '../backends/wasm/loader.js';
import { layerOffsets, type Dims } from '../problems/dln.js';
import { lossOfW, observedCount } from '../problems/losses.js';
import { dlnPoint } from './dlnHvp.js';

/**
 * The deep model's exact Hessian-vector product in the Wasm core (assembly/kernels/dlnHvp.ts),
 * bit-identical to the reference dlnHvpAt (src/diagnostics/dlnHvp.ts) on the SIMD and the scalar
 * build. Marshalling only: the point's own products P_l, H_l come from the reference (once per
 * point, ~a gradient's work), every product after that runs in Wasm. f64.
 *
 * The loss is described, not given as a closure: full ½‖A − M‖², completion (1/|Ω|)Σ_Ω(A − M)²,
 * sensing ½Σ(⟨A_i, A⟩ − y_i)². Call dispose() to free the core's buffers.
 */
export interface DlnHvpProblem {
  dims: Dims;
  M: Float64Array;
  lambda: number;
  loss: FactorizationLoss;
}

export interface WasmHvp {
  hvp: (v: Float64Array, out: Float64Array) => Float64Array;
  dispose(): void;
}

export function wasmDlnHvpAt(core: CoreExports, problem: DlnHvpProblem, theta: Float64Array): WasmHvp {
  const { dims, lambda, loss } = problem;
  // The kernel reads A as N dense matrices; sparse measurements would need N·nm here, the memory they
  // avoid. Runs take their curvature from the reference product (dlnHvp.ts), which reads either form.
  if (loss.kind === 'sensing' && loss.sparse)
    throw new FlatminError('USAGE', 'loss.sparse', 'the Wasm Hessian-vector product reads dense measurement matrices; use dlnHvpAt (src/diagnostics/dlnHvp.ts) for sparse ones');
  const L = dims.length - 1;
  const d0 = dims[0];
  const total = layerOffsets(dims)[L];
  const nm = dims[L] * d0;
  const { P, H } = dlnPoint({ dims, loss: lossOfW(loss, problem.M), lambda }, theta);
  let blocks = 0; // Σ_{l ≥ 1} d_l·d_0
  let scratch = 0;
  let packed = 0;
  for (let l = 1; l <= L; l++) {
    blocks += dims[l] * d0;
    scratch = Math.max(scratch, dims[l] * Math.max(d0, dims[l - 1]));
    packed = Math.max(packed, d0 * dims[l - 1]);
  }
  const arena = new Arena(core);
  const dimsW = arena.alloc(Int32Array, L + 1);
  const thetaW = arena.alloc(Float64Array, total);
  const PW = arena.alloc(Float64Array, blocks - dims[1] * d0); // [P_2 | … | P_L]
  const HW = arena.alloc(Float64Array, blocks); // [H_1 | … | H_L]
  const dPW = arena.alloc(Float64Array, blocks - dims[1] * d0);
  const dHW = arena.alloc(Float64Array, blocks);
  const tW = arena.alloc(Float64Array, scratch);
  const TW = arena.alloc(Float64Array, packed);
  const vW = arena.alloc(Float64Array, total);
  const outW = arena.alloc(Float64Array, total);
  dimsW.view().set(dims);
  thetaW.view().set(theta);
  let at = 0;
  for (let l = 2; l <= L; l++) {
    PW.view().set(P[l], at);
    at += P[l].length;
  }
  at = 0;
  for (let l = 1; l <= L; l++) {
    HW.view().set(H[l], at);
    at += H[l].length;
  }
  // The loss's Hessian: 0 full, 1 completion (weights 2/|Ω| on observed entries), 2 sensing.
  let hess = 0;
  let hw = 0;
  let hA = 0;
  let N = 0;
  let rv = 0;
  if (loss.kind === 'completion') {
    hess = 1;
    const w = 2 * (1 / observedCount(loss.mask)); // lossOfW's 2·c, c = 1/|Ω|
    const weights = arena.alloc(Float64Array, nm);
    weights.view().set(Float64Array.from({ length: nm }, (_, k) => (loss.mask[k] !== 0 ? w : 0)));
    hw = weights.ptr;
  } else if (loss.kind === 'sensing') {
    hess = 2;
    N = loss.y.length;
    const A = arena.alloc(Float64Array, N * nm);
    A.view().set(loss.A);
    hA = A.ptr;
    rv = arena.alloc(Float64Array, N).ptr;
  }
  const tl = 2 * lambda;
  let live = true;
  return {
    hvp(v, out) {
      if (!live) throw new Error('wasmDlnHvpAt: used after dispose()');
      vW.view().set(v);
      core.dlnHvp(L, dimsW.ptr, thetaW.ptr, PW.ptr, HW.ptr, dPW.ptr, dHW.ptr, tW.ptr, TW.ptr, vW.ptr, outW.ptr, tl, hess, hw, hA, N, rv);
      out.set(outW.view());
      return out;
    },
    dispose() {
      if (live) arena.freeAll();
      live = false;
    },
  };
}
