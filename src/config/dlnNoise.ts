import { array, checkKeys, choice, fail, nonNegative, object, required } from './validate.js';

/**
 * Noise of one deep-linear phase (normalized: sigma is always one σ_l per layer). Each is a
 * placement option of the one step loop (src/backends/types.ts DlnNoise):
 *   perturbed       gradient at W_l + σ_l·ξ_l                 (perturbed GD / SGD)
 *   anticorrelated  gradient at W_l + σ_l·(ξ_t − ξ_{t−1})
 *   langevin        W ← W − η∇L + √(2ηT)·ξ                     (every layer, temperature T)
 */
export type DlnNoiseConfig =
  | { kind: 'perturbed' | 'anticorrelated'; sigma: number[] }
  | { kind: 'langevin'; temperature: number };

const KINDS = ['perturbed', 'anticorrelated', 'langevin'] as const;
const KEYS = ['kind', 'sigma', 'temperature'] as const;

/** `{ kind, sigma: σ | [σ_1, …, σ_L] }` or `{ kind: "langevin", temperature }` at `path`. */
export function validateDlnNoise(raw: unknown, path: string, depth: number): DlnNoiseConfig {
  const o = object(raw, path, '{ kind: "perturbed" | "anticorrelated", sigma } or { kind: "langevin", temperature }');
  checkKeys(o, path, KEYS);
  const kind = choice(required(o, path, 'kind', list()), `${path}.kind`, KINDS, 'noise kind');
  // Each parameter belongs to its kinds alone; elsewhere it would silently do nothing.
  if (kind === 'langevin') {
    if (o.sigma !== undefined) fail('UNKNOWN_KEY', `${path}.sigma`, 'langevin takes a temperature (σ = √(2ηT) on every layer), not sigma');
    return { kind, temperature: nonNegative(required(o, path, 'temperature', 'the Langevin temperature T, a number ≥ 0'), `${path}.temperature`) };
  }
  if (o.temperature !== undefined) fail('UNKNOWN_KEY', `${path}.temperature`, `temperature is for noise kind "langevin" only, not "${kind}"`);
  const spath = `${path}.sigma`;
  const s = required(o, path, 'sigma', `σ ≥ 0, or one per layer [σ_1, …, σ_${depth}]`);
  if (!Array.isArray(s)) return { kind, sigma: Array.from({ length: depth }, () => nonNegative(s, spath)) };
  const sigma = array(s, spath, 'numbers').map((v, l) => nonNegative(v, `${spath}[${l}]`));
  if (sigma.length !== depth) fail('SHAPE', spath, `expected one σ per layer (depth ${depth}), got ${sigma.length}`);
  return { kind, sigma };
}

function list(): string {
  return KINDS.map((k) => `"${k}"`).join(', ');
}
