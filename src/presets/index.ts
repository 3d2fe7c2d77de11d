import { FlatminError } from '../errors.js';
import { arora2019Depth } from './arora2019Depth.js';
import { nearest } from '../config/suggest.js';
import { edgeOfStability } from './edgeOfStability.js';
import { liu2021 } from './liu2021.js';
import { largeLrBalance } from './largeLrBalance.js';
import { liu2021Ratio } from './liu2021Ratio.js';
import { flatSeekers } from './flatSeekers.js';
import { noiseZoo } from './noiseZoo.js';
import { overparamSensing } from './overparamSensing.js';
import { sensingIncremental } from './sensingIncremental.js';
import type { Preset } from './types.js';
import { wangJacotD1 } from './wangJacotD1.js';
import { wangJacotD2 } from './wangJacotD2.js';

export type { Preset, PresetOptions, PresetOutput } from './types.js';

/**
 * Every named experiment, in the order `flatmin presets` and the README list them. A new preset is
 * a module in this folder implementing Preset (types.ts), added here.
 */
export const presets: readonly Preset[] = [
  liu2021, liu2021Ratio, wangJacotD2, wangJacotD1, sensingIncremental, largeLrBalance, edgeOfStability, noiseZoo, flatSeekers,
  overparamSensing, arora2019Depth,
];

/** The preset called `name`, or UNKNOWN_KIND naming `path` with the nearest name suggested. */
export function findPreset(name: string, path = 'preset'): Preset {
  const p = presets.find((x) => x.name === name);
  if (p) return p;
  const names = presets.map((x) => x.name);
  const guess = nearest(name, names);
  throw new FlatminError('UNKNOWN_KIND', path, `unknown preset ${JSON.stringify(name)}${guess ? `; did you mean "${guess}"?` : ''} (see flatmin presets)`);
}
