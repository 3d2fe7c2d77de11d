// TEMPORARY (deleted when the core branch lands): the unified Session of src/backends/types.ts
// built on the two old sessions, so the run layer can be written and tested meanwhile.
import type { Backend, BackendName, EpochSampler, Precision } from '../backends/types.js';

export type NoiseKind = 'perturbed' | 'anticorrelated' | 'langevin';
export type ModelShape = { kind: 'factorization'; n: number; m: number; r: number } | { kind: 'deep-linear'; dims: readonly number[] };
export type DataLoss =
  | { kind: 'full'; M: Float64Array }
  | { kind: 'completion'; M: Float64Array; mask: ArrayLike<number> }
  | { kind: 'sensing'; A: Float64Array; y: Float64Array };
export interface SessionInput {
  model: ModelShape; precision: Precision; loss: DataLoss; lambda: number; theta: Float64Array; rng: Int32Array;
  maxBatch?: number; anticorrelated?: boolean;
}
export interface StepParams {
  lr: number; batch?: number; noise?: { kind: NoiseKind; sigma: readonly number[] }; scale: number; scaleMul: number;
}
export interface Session {
  readonly input: Readonly<SessionInput>;
  readonly blocks: readonly number[];
  run(steps: number, p: StepParams): { done: number; scale: number };
  endToEnd(): Float64Array;
  fullLoss(): number;
  blockNorms(): number[];
  theta(): Float64Array; setTheta(t: Float64Array): void;
  rng(): Int32Array; setRng(r: Int32Array): void;
  prevNoise(): Float64Array; setPrevNoise(xi: Float64Array): void;
  sampler(): EpochSampler; setSampler(s: EpochSampler): void;
  dispose(): void;
}
export type { BackendName };

const PLACEMENT = { perturbed: 'evaluation', anticorrelated: 'anticorrelated', langevin: 'update' } as const;

export function openSession(backend: Backend, input: SessionInput): Session {
  if (input.model.kind === 'factorization') {
    const { n, m, r } = input.model;
    const loss = input.loss;
    const placement = input.anticorrelated ? 'anticorrelated' : 'evaluation';
    let kindSeen: NoiseKind | undefined;
    const make = (noise: 'evaluation' | 'anticorrelated' | 'update') => backend.factorization({
      n, m, r, precision: input.precision, M: loss.kind === 'sensing' ? new Float64Array(n * m) : loss.M, theta: input.theta, rng: input.rng,
      loss: loss.kind === 'full' ? { kind: 'full' } : loss.kind === 'completion' ? { kind: 'completion', mask: loss.mask } : { kind: 'sensing', A: loss.A, y: loss.y },
      lambda: input.lambda, noise, batch: input.maxBatch,
    });
    let s = make(placement);
    const nr = n * r;
    return {
      input, blocks: [0, nr, nr + m * r],
      run(steps, p) {
        const kind = p.noise?.kind;
        if (kind && kind !== kindSeen && PLACEMENT[kind] !== placement) {
          // the old session fixes its placement: rebuild it with the state (shim only)
          const st = { theta: s.theta(), rng: s.rng(), sampler: s.sampler() };
          s.dispose();
          s = make(PLACEMENT[kind]);
          s.setTheta(st.theta); s.setRng(st.rng); s.setSampler(st.sampler);
        }
        kindSeen = kind;
        const sig = p.noise?.sigma ?? [0, 0];
        return s.run(steps, { lr: p.lr, sigmaX: sig[0], sigmaY: sig[1], scale: p.scale, scaleMul: p.scaleMul });
      },
      endToEnd() {
        const t = s.theta();
        const W = new Float64Array(n * m);
        for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
          let a = 0;
          for (let c = 0; c < r; c++) a += t[i * r + c] * t[nr + j * r + c];
          W[i * m + j] = a;
        }
        return W;
      },
      fullLoss: () => s.loss(),
      blockNorms: () => { const { x2, y2 } = s.norms(); return [x2, y2]; },
      theta: () => s.theta(), setTheta: (t) => s.setTheta(t),
      rng: () => s.rng(), setRng: (x) => s.setRng(x),
      prevNoise: () => s.prevNoise(), setPrevNoise: (x) => s.setPrevNoise(x),
      sampler: () => s.sampler(), setSampler: (x) => s.setSampler(x),
      dispose: () => s.dispose(),
    };
  }
  const dims = input.model.dims;
  const loss = input.loss;
  const rows = dims[dims.length - 1], cols = dims[0];
  const s = backend.dln({
    dims, M: loss.kind === 'sensing' ? new Float64Array(rows * cols) : loss.M,
    mask: loss.kind === 'completion' ? loss.mask : new Array(rows * cols).fill(1),
    lambda: input.lambda, theta: input.theta, rng: input.rng,
    ...(loss.kind === 'sensing' ? { sensing: { A: loss.A, y: loss.y } } : {}),
  });
  const off = [0];
  for (let l = 1; l < dims.length; l++) off.push(off[l - 1] + dims[l] * dims[l - 1]);
  return {
    input, blocks: off,
    run(steps, p) {
      const noise = p.noise && { placement: PLACEMENT[p.noise.kind], sigma: p.noise.sigma.map((x) => x * p.scale) };
      const { done } = s.run(steps, { lr: p.lr, batch: p.batch ?? 'full', noise });
      return { done, scale: p.scale };
    },
    endToEnd: () => s.endToEnd(),
    fullLoss: () => NaN,
    blockNorms: () => { const t = s.theta(); return off.slice(1).map((o, l) => { let a = 0; for (let k = off[l]; k < o; k++) a += t[k] * t[k]; return a; }); },
    theta: () => s.theta(), setTheta: (t) => s.setTheta(t),
    rng: () => s.rng(), setRng: (x) => s.setRng(x),
    prevNoise: () => s.prevNoise(), setPrevNoise: (x) => s.setPrevNoise(x),
    sampler: () => s.sampler(), setSampler: (x) => s.setSampler(x),
    dispose: () => s.dispose(),
  };
}
