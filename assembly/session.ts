// The session descriptor: one i32 table that names every buffer of a run, so the step skeleton
// (programs/step.ts), the models (models/) and the losses (losses.ts) read what they need from one
// pointer S instead of twenty arguments. src/backends/wasm/session.ts writes it (the same word
// numbers, from src/backends/memory.ts's plan); unused pointers are 0. T is the session's
// precision (f64 or f32): every buffer is in T except the ones marked f64 or i32.
//
//   word  name      what
//   0     MODEL     0 two-factor X Yᵀ, 1 deep linear W_L ⋯ W_1, 2 symmetric X Xᵀ
//   1     LOSS      0 full ½‖W − M‖², 1 completion, 2 sensing (losses.ts), 3 factored ½‖W − A Bᵀ‖²
//   2     NBLOCKS   parameter blocks: 2 ([X | Y]) or L (one per layer)
//   3     BLOCKS    i32[NBLOCKS + 1]: element offsets of the blocks in θ, the last = total
//   4     DIMS      i32: two-factor [n, m, r]; deep [d_0, …, d_L]; symmetric [n, k]
//   5     THETA     θ, the iterate, updated in place
//   6     NEXT      like θ: the gradient, then the step; θ and NEXT swap roles within a call (programs/step.ts)
//   7     P         like θ: the evaluation point E (or, for Langevin, θ⁺ + σ·ξ)
//   8     NOISE     f64, like θ: f32 only, the Gaussians before rounding (0 for f64)
//   9     PREV      like θ: ξ_{t−1} of anticorrelated noise (0 if not allocated)
//   10    SIGMA     f64[NBLOCKS]: σ_b of this run (JS writes them before each call)
//   11    RNG       i32[16]: four xor128 lanes (random.ts); lane 0 also shuffles the epochs
//   12    SCHED     f64[5]: [scale, scaleMul, λ, γ, t]; scale is advanced in place by the run; γ and
//                   t (the phase step of the call's first step) are annealed noise's
//   13    M         rows×cols target (full; the symmetric model's completion; the others keep CVAL)
//   14    MT        its transpose (two-factor full target: Mᵀ Xp then streams rows)
//   15    —         unused (was the two-factor completion's dense weights; models/sparseCompletion.ts)
//   16    N         sensing: the number of measurements
//   17    A         sensing: N × rows·cols
//   18    Y         sensing: N
//   19    RV        sensing: N, ⟨A_i, W⟩ − y_i
//   20    AB        sensing: maxBatch × rows·cols, the batch's gathered rows
//   21    OBS       i32[NOBS]: the batch universe (observed flat indices ascending, or 0 … N−1)
//   22    NOBS      its length
//   23    ORDER     i32[NOBS]: this epoch's permutation of OBS (0 without a sampler)
//   24    SAMP      i32[1]: position in ORDER (NOBS: the epoch is used up)
//   25    W         rows×cols: the end-to-end matrix (two-factor, symmetric; the deep model's W is P_L in WORK,
//                   or for its completion from the observed lists a buffer JS lends for endToEnd only)
//   26    R         rows×cols: ∂ℓ/∂W (losses.ts; not for completion from the observed lists)
//   27    WORK      the model's scratch (models/factorization.ts, models/deepLinear.ts)
//   28    NM        rows·cols
//   29    LCLEAN    label noise: the clean targets (M, or y for sensing), like M / Y (0 if not allocated)
//   30    LNOISE    f64: label noise's Gaussians, one per entry of the universe (nm for full, else NOBS)
//   31    FA        factored target M = A Bᵀ (LOSS_FACTORED): A, n×k
//   32    FB        its B, m×k
//   33    FK        its rank k (a count, not a pointer)
//   34    CROW      completion (two-factor, deep): i32[rows + 1] CSR row pointers into the observed lists
//   35    CCOL      completion (two-factor, deep): i32[NOBS] column of each observed entry (OBS order)
//   36    CVAL      completion (two-factor, deep): the observed values (OBS order); LCLEAN is then like it
//   37    CSORT     completion (two-factor, deep) with a sampler: i32[maxBatch], the batch sorted
//   38    CJ        deep completion with a sampler: i32[maxBatch], the batch's distinct columns ascending
//   39    DRAW      threads build: the draw plan that splits θ's noise over the pool (programs/draw.ts; 0: none)
//   40    SPTR      sparse sensing (kernels/sensing.ts sensingSparse): i32[N + 1] CSR row pointers over the
//                   measurements (0: A is dense, in A; then A and AB are unused)
//   41    SIDX      sparse sensing: i32[nnz] flat positions i·cols + j, ascending within a measurement
//   42    SVAL      sparse sensing: the values at SIDX

export const S_MODEL = 0, S_LOSS = 1, S_NBLOCKS = 2, S_BLOCKS = 3, S_DIMS = 4, S_THETA = 5, S_NEXT = 6, S_P = 7;
export const S_NOISE = 8, S_PREV = 9, S_SIGMA = 10, S_RNG = 11, S_SCHED = 12, S_M = 13, S_MT = 14;
export const S_N = 16, S_A = 17, S_Y = 18, S_RV = 19, S_AB = 20, S_OBS = 21, S_NOBS = 22, S_ORDER = 23, S_SAMP = 24;
export const S_W = 25, S_R = 26, S_WORK = 27, S_NM = 28, S_LCLEAN = 29, S_LNOISE = 30;
export const S_FA = 31, S_FB = 32, S_FK = 33;
export const S_CROW = 34, S_CCOL = 35, S_CVAL = 36, S_CSORT = 37, S_CJ = 38, S_DRAW = 39;
export const S_SPTR = 40, S_SIDX = 41, S_SVAL = 42;

export const MODEL_TWO_FACTOR = 0;
export const MODEL_DEEP_LINEAR = 1;
export const MODEL_SYMMETRIC = 2;
export const LOSS_FULL = 0;
export const LOSS_COMPLETION = 1;
export const LOSS_SENSING = 2;
export const LOSS_FACTORED = 3;

/** Word i of the descriptor at S. */
// @ts-ignore: decorator
@inline export function word(S: usize, i: i32): i32 {
  return load<i32>(S + (<usize>i << 2));
}

/** Word i as a pointer. */
// @ts-ignore: decorator
@inline export function ptr(S: usize, i: i32): usize {
  return <usize>load<i32>(S + (<usize>i << 2));
}

/** Entry i of the i32 array at p (dims, blocks). */
// @ts-ignore: decorator
@inline export function i32At(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}
