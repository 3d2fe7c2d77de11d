// Whole runs of minibatch SGD (or full-batch GD) on an L2-regularized deep linear network, inside
// Wasm: JS calls this once per recorded chunk. src/backends/reference/dln.ts is the same loop in
// plain TypeScript and defines the arithmetic order (read it first). f64 only.
//
//   A = W_L ⋯ W_1,   W_l is d_l × d_{l−1} (d_0 = d_in, d_L = d_out)
//   L_B(W) = (1/|B|) Σ_{(i,j)∈B} (A_ij − M_ij)² + λ Σ_l ‖W_l‖²
//
// Buffers (row-major f64 unless noted, allocated by JS through alloc()):
//   dims   L+1 i32                      d_0 … d_L
//   theta  [ W_1 | W_2 | … | W_L ]      the iterate, updated in place
//   next   like theta                   a step is written here and copied back only if finite
//   grad   like theta                   ∂(data term)/∂W_l; H_1 is written straight into W_1's slot
//   work   dlnWorkLength(L, dims) f64:
//            [ P_2 | … | P_L ]          prefix products P_l = W_l P_{l−1} (d_l × d_0); P_1 = W_1, A = P_L
//            [ H_2 | … | H_{L−1} ]      backward products H_l = W_{l+1}ᵀ H_{l+1} (d_l × d_0); H_L = G
//            [ G ]                      (2/|B|)(A − M) on the batch, 0 elsewhere (d_L × d_0)
//            [ T ]                      P_{l−1}ᵀ, packed so the gradient is a plain NN product
//   M      d_L × d_0                    target (only observed entries are read)
//   obs    nObs i32                     flat indices i·d_0 + j of the observed entries, ascending
//   order  nObs i32                     this epoch's permutation of obs
//   samp   1 i32                        position in `order` (nObs: the epoch is used up)
//   rng    16 i32                       four xor128 lanes (random.ts); the shuffle uses lane 0, the
//                                       noise all four (fillGaussian over the whole theta)
//   sigma  L f64                        per-layer noise σ_l (all 0: no noise, nothing drawn)
//   P      like theta                   the noisy evaluation point (or, for Langevin, θ⁺ + σ·ξ)
//   prev   like theta                   ξ_{t−1} of the anticorrelated placement
//   sens   0 (completion) or 5 i32      matrix sensing instead: [ N, A (N × d_L·d_0), y (N), rv (N),
//                                       Ab (batch × d_L·d_0) ]; obs is then 0 … N−1 and M unused.
//                                       G = ∂/∂A of ½ (N/|B|) Σ_B (⟨A_i, A⟩ − y_i)² (kernels/sensing.ts)
//
// Noise is an option of this one loop, as in factorization.ts (same placement codes):
//   NOISE_EVAL    gradient at E = θ + σ_l·ξ_t, layer by layer   (perturbed GD / SGD)
//   NOISE_ANTI    gradient at E = θ + σ_l·(ξ_t − ξ_{t−1})
//   NOISE_UPDATE  E = θ, θ⁺ = step + σ_l·ξ_t                    (Langevin; JS passes σ = √(2ηT))
// The ridge term 2λθ is taken at θ, not at E, as in the two-factor loop.
import { gemmNN, gemmTN } from '../kernels/gemm';
import { anticorrelate, descendRidge, perturb, transpose } from '../kernels/elementwise';
import { sensingResidual } from '../kernels/sensing';
import { epochStart, fillGaussian } from '../random';

const NOISE_ANTI = 1;
const NOISE_UPDATE = 2;

// @ts-ignore: decorator
@inline function dim(dims: usize, l: i32): i32 {
  return load<i32>(dims + (<usize>l << 2));
}

// @ts-ignore: decorator
@inline function f64At(p: usize, i: i32): usize {
  return p + (<usize>i << 3);
}

/** Element offset of W_l (1-based l) in theta. */
function layerOffset(dims: usize, l: i32): i32 {
  let o = 0;
  for (let j = 1; j < l; j++) o += dim(dims, j) * dim(dims, j - 1);
  return o;
}

/** Element offset of P_l (l ≥ 2) in work: P_2 first. Also H_l's offset relative to the H block. */
function blockOffset(dims: usize, l: i32): i32 {
  const d0 = dim(dims, 0);
  let o = 0;
  for (let j = 2; j < l; j++) o += dim(dims, j) * d0;
  return o;
}

// Work layout: fwd block (P_2..P_L), H block (H_2..H_{L−1}), G, T.
function hBase(L: i32, dims: usize): i32 {
  return blockOffset(dims, L + 1);
}
function gBase(L: i32, dims: usize): i32 {
  return hBase(L, dims) + blockOffset(dims, L);
}
function tBase(L: i32, dims: usize): i32 {
  return gBase(L, dims) + dim(dims, L) * dim(dims, 0);
}

/** Length of `work` in f64 elements. */
export function dlnWorkLength(L: i32, dims: usize): i32 {
  let t = 0;
  for (let l = 1; l < L; l++) t = max(t, dim(dims, l) * dim(dims, 0));
  return tBase(L, dims) + t;
}

/**
 * P = base + σ_l·P on each layer's slice (P holds standard normals); false if an entry is not finite.
 */
function perturbLayers(L: i32, dims: usize, P: usize, base: usize, sigma: usize): bool {
  let finite = 1;
  let lo = 0;
  for (let l = 1; l <= L; l++) {
    const hi = lo + dim(dims, l) * dim(dims, l - 1);
    finite &= perturb<f64>(P, base, lo, hi, load<f64>(f64At(sigma, l - 1)));
    lo = hi;
  }
  return finite != 0;
}

/** Prefix products P_2 … P_L into work; returns the byte pointer of A = P_L. */
function forward(L: i32, dims: usize, theta: usize, work: usize): usize {
  const d0 = dim(dims, 0);
  let prev = theta; // P_1 = W_1
  for (let l = 2; l <= L; l++) {
    const P = f64At(work, blockOffset(dims, l));
    // P_l (d_l × d_0) = W_l (d_l × d_{l−1}) · P_{l−1} (d_{l−1} × d_0)
    gemmNN<f64>(P, d0, f64At(theta, layerOffset(dims, l)), dim(dims, l - 1), prev, d0, dim(dims, l), d0, dim(dims, l - 1));
    prev = P;
  }
  return prev;
}

/**
 * Runs up to `steps` steps; returns the number completed (fewer only when the next step would make
 * the iterate non-finite: that step is not applied, but its batch was drawn).
 *
 * Batches: batch ≥ nObs is full-batch GD over obs and draws nothing. Otherwise a batch is the next
 * min(batch, nObs − pos) entries of `order` (the last batch of an epoch may be shorter; |B| is its
 * own size); when the epoch is used up, order is reset to obs and shuffled (shuffleI32).
 *
 * One step (ℓ = 1 … L; every product a gemm, each element summed from +0.0 in ascending k):
 *   P_l = W_l P_{l−1}                       forward, A = P_L
 *   G = (2/|B|)·(A − M) on B, 0 elsewhere
 *   H_L = G,  H_l = W_{l+1}ᵀ H_{l+1}        backward (H_1 lands in grad's W_1 slot: it is ∂/∂W_1)
 *   grad_l = H_l · P_{l−1}ᵀ                 l ≥ 2 (P_{l−1}ᵀ transposed into T first)
 *   next = theta − lr·(grad + 2λ·theta)
 * where the forward and backward passes read the weights at the evaluation point E (theta without
 * noise). Noise is drawn after the batch (so after an epoch's shuffle), once per step.
 */
export function dlnRun(
  L: i32, dims: usize, theta: usize, next: usize, grad: usize, work: usize,
  M: usize, obs: usize, nObs: i32, order: usize, samp: usize, rng: usize,
  steps: i32, lr: f64, lambda: f64, batch: i32,
  placement: i32, sigma: usize, P: usize, prev: usize, sens: usize,
): i32 {
  const d0 = dim(dims, 0);
  const dL = dim(dims, L);
  const total = layerOffset(dims, L + 1);
  const G = f64At(work, gBase(L, dims));
  const Hb = f64At(work, hBase(L, dims));
  const T = f64At(work, tBase(L, dims));
  const tl = 2.0 * lambda;
  const full = batch >= nObs;
  let noisy = false;
  for (let l = 0; l < L; l++) if (load<f64>(f64At(sigma, l)) != 0) noisy = true;
  let pos = load<i32>(samp);
  let done = 0;
  for (; done < steps; done++) {
    // The batch: `size` flat indices starting at `idx`.
    let idx = obs;
    let size = nObs;
    if (!full) {
      pos = epochStart(order, obs, nObs, pos, rng);
      size = min(batch, nObs - pos);
      idx = order + (<usize>pos << 2);
      pos += size;
    }
    let E = theta;
    if (noisy && placement != NOISE_UPDATE) {
      fillGaussian(P, total, rng);
      if (placement == NOISE_ANTI) anticorrelate<f64>(P, prev, total);
      perturbLayers(L, dims, P, theta, sigma); // a non-finite E makes a non-finite step: caught below
      E = P;
    }
    const A = forward(L, dims, E, work);
    if (sens != 0) {
      // Sensing: G = ∂loss/∂A by the two-factor model's kernel (batch entries are measurement numbers).
      sensingResidual<f64>(
        G, A, dL * d0, load<i32>(sens), <usize>load<i32>(sens, 4), <usize>load<i32>(sens, 8),
        <usize>load<i32>(sens, 12), <usize>load<i32>(sens, 16), idx, full ? 0 : size,
      );
    } else {
      memory.fill(G, 0, <usize>(dL * d0) << 3);
      const c = 2.0 / <f64>size;
      for (let t = 0; t < size; t++) {
        const e = load<i32>(idx + (<usize>t << 2));
        store<f64>(f64At(G, e), c * (load<f64>(f64At(A, e)) - load<f64>(f64At(M, e))));
      }
    }
    // Backward: H_l = W_{l+1}ᵀ H_{l+1}, l = L−1 … 1.
    let H = G;
    for (let l = L - 1; l >= 1; l--) {
      const out = l == 1 ? grad : f64At(Hb, blockOffset(dims, l));
      // W_{l+1} is d_{l+1} × d_l: C (d_l × d_0) = W_{l+1}ᵀ H_{l+1}, K = d_{l+1}
      gemmTN<f64>(out, d0, f64At(E, layerOffset(dims, l + 1)), dim(dims, l), H, d0, dim(dims, l), d0, dim(dims, l + 1));
      H = out;
    }
    // grad_l = H_l P_{l−1}ᵀ, l = L … 2.
    for (let l = L; l >= 2; l--) {
      const Hl = l == L ? G : f64At(Hb, blockOffset(dims, l));
      const Pm = l == 2 ? E : f64At(work, blockOffset(dims, l - 1));
      const dm = dim(dims, l - 1);
      transpose<f64>(T, Pm, dm, d0); // T is d_0 × d_{l−1}
      gemmNN<f64>(f64At(grad, layerOffset(dims, l)), dm, Hl, d0, T, dm, dim(dims, l), dm, d0);
    }
    if (!descendRidge<f64>(next, theta, grad, total, lr, tl)) break; // keep the last finite state
    if (noisy && placement == NOISE_UPDATE) {
      fillGaussian(P, total, rng);
      if (!perturbLayers(L, dims, P, next, sigma)) break;
      memory.copy(theta, P, <usize>total << 3);
    } else {
      memory.copy(theta, next, <usize>total << 3);
    }
  }
  store<i32>(samp, pos);
  return done;
}

/** A = W_L ⋯ W_1 by the step's own forward pass (same bits); returns its byte pointer in work. */
export function dlnEndToEnd(L: i32, dims: usize, theta: usize, work: usize): usize {
  return forward(L, dims, theta, work);
}
