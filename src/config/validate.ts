import { choice, isObject, object } from './checks.js';
import { plainData } from './plain.js';
import { validateDeepLinear } from './deepLinear.js';
import { validateFactorization } from './factorization.js';
import { validateSymmetric } from './symmetric.js';
import type { RunConfig } from './types.js';

/**
 * User config (parsed JSONC or a JS object, FlatminConfig) → RunConfig with every default filled in,
 * built from fresh objects (the input is neither returned nor mutated). Anything wrong throws a
 * FlatminError whose `path` names the field (`optimizer[1].noise.sigma[0]`, `problem.target[2][5]`)
 * and whose message says what was expected and what was got.
 *
 * The model decides the rest of the schema: `model.kind` "deep-linear" (src/config/deepLinear.ts),
 * "symmetric" (src/config/symmetric.ts), else the two-factor model (src/config/factorization.ts); both share the optimizer
 * (src/config/optimizer.ts) and the common keys (src/config/common.ts).
 *
 * Conventions: a key whose value is `undefined` counts as absent; `null` is a value of the wrong
 * type. Within each object, unknown keys are reported before anything else, so a misspelt
 * required key gives "did you mean" rather than "missing".
 */
export function validateConfig(raw: unknown): RunConfig {
  const top = object(plainData(raw), 'config', 'a config object');
  const kind = modelKindOf(top);
  return kind === 'deep-linear' ? validateDeepLinear(top) : kind === 'symmetric' ? validateSymmetric(top) : validateFactorization(top);
}

const MODEL_KINDS = ['factorization', 'deep-linear', 'symmetric'] as const;

/** The model a config asks for ("factorization" when it has no `model`). */
export function modelKindOf(top: Record<string, unknown>): (typeof MODEL_KINDS)[number] {
  if (top.model === undefined) return 'factorization';
  if (!isObject(top.model)) object(top.model, 'model', '{ kind: "factorization" }, { kind: "deep-linear", depth, width, init? } or { kind: "symmetric", rank, init? }');
  const kind = (top.model as Record<string, unknown>).kind;
  return choice(kind, 'model.kind', MODEL_KINDS, 'model kind');
}
