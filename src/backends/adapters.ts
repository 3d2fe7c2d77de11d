import { dlnReports } from '../diagnostics/completion.js';
import { roundOf } from '../math/round.js';
import { dlnBatchUniverse, validateDlnInput, validateDlnStep } from '../problems/dln.js';
import { batchUniverse } from '../problems/losses.js';
import { factorizationLoss } from '../linalg/kernels.js';
import type {
  DataLoss, DlnInput, DlnSession, DlnStepParams, FactorizationInput, FactorizationSession, NoiseKind, NoisePlacement, Session,
  SessionInput, StepParams,
} from './types.js';

/**
 * Today's two entry points, `backend.factorization(input)` and `backend.dln(input)`, as thin
 * adapters over `backend.session(input)`: they translate the inputs and names (NoisePlacement →
 * NoiseKind, sigmaX/sigmaY → one σ per block) and add the reports the old sessions had. Written
 * once for both backends; the step itself is the session's.
 */

/** The legacy placement names of NoiseKind. */
export const kindOfPlacement: Record<NoisePlacement, NoiseKind> = { evaluation: 'perturbed', anticorrelated: 'anticorrelated', update: 'langevin' };

export function factorizationSession(session: (input: SessionInput) => Session, input: FactorizationInput): FactorizationSession {
  const { n, m, r } = input;
  const loss = input.loss ?? { kind: 'full' };
  const data: DataLoss = loss.kind === 'full' ? { kind: 'full', M: input.M } : loss.kind === 'completion' ? { kind: 'completion', M: input.M, mask: loss.mask } : loss;
  const universe = batchUniverse(loss).length;
  const batched = input.batch !== undefined && input.batch < universe;
  const kind = kindOfPlacement[input.noise ?? 'evaluation'];
  const s = session({
    model: { kind: 'factorization', n, m, r },
    precision: input.precision,
    loss: data,
    lambda: input.lambda ?? 0,
    theta: input.theta,
    rng: input.rng,
    maxBatch: batched ? input.batch : undefined,
    anticorrelated: kind === 'anticorrelated',
  });
  // ½‖XYᵀ − M‖² is reported for every loss (M in working precision, as the step reads it).
  const M = loss.kind === 'full' ? undefined : input.M.map(roundOf(input.precision));
  return {
    run: (steps: number, p: StepParams) =>
      s.run(steps, { lr: p.lr, batch: batched ? input.batch : undefined, noise: { kind, sigma: [p.sigmaX, p.sigmaY] }, scale: p.scale, scaleMul: p.scaleMul }),
    loss: () => (M ? factorizationLoss(M, s.theta(), n, m, r) : s.fullLoss()),
    norms: () => {
      const [x2, y2] = s.blockNorms();
      return { x2, y2 };
    },
    theta: () => s.theta(),
    setTheta: (t) => s.setTheta(t),
    rng: () => s.rng(),
    setRng: (x) => s.setRng(x),
    prevNoise: () => s.prevNoise(),
    setPrevNoise: (xi) => s.setPrevNoise(xi),
    sampler: () => s.sampler(),
    setSampler: (x) => s.setSampler(x),
    dispose: () => s.dispose(),
  };
}

export function dlnSession(session: (input: SessionInput) => Session, input: DlnInput): DlnSession {
  validateDlnInput(input);
  const L = input.dims.length - 1;
  const N = dlnBatchUniverse(input).length;
  const reports = dlnReports(input);
  const s = session({
    model: { kind: 'deep-linear', dims: input.dims },
    precision: 'f64',
    loss: input.sensing ? { kind: 'sensing', ...input.sensing } : { kind: 'completion', M: input.M, mask: input.mask },
    lambda: input.lambda,
    theta: input.theta,
    rng: input.rng,
    maxBatch: N, // a sampler always (any run may ask for a minibatch)
    anticorrelated: true, // ξ_{t−1} always (zeros until the first anticorrelated step)
  });
  return {
    run(steps: number, p: DlnStepParams) {
      validateDlnStep(p, N, L);
      const noise = p.noise && { kind: kindOfPlacement[p.noise.placement], sigma: p.noise.sigma };
      return { done: s.run(steps, { lr: p.lr, batch: p.batch === 'full' ? undefined : p.batch, noise, scale: 1, scaleMul: 1 }).done };
    },
    endToEnd: () => s.endToEnd(),
    loss: () => reports.loss(s.endToEnd(), s.theta()),
    trainError: () => reports.trainError(s.endToEnd()),
    testError: () => reports.testError(s.endToEnd()),
    theta: () => s.theta(),
    setTheta: (t) => s.setTheta(t),
    rng: () => s.rng(),
    setRng: (x) => s.setRng(x),
    sampler: () => s.sampler(),
    setSampler: (x) => s.setSampler(x),
    prevNoise: () => s.prevNoise(),
    setPrevNoise: (xi) => s.setPrevNoise(xi),
    dispose: () => s.dispose(),
  };
}
