import { describe, expect, it } from 'vitest';
import * as api from '../dist/node.js';
import * as experiments from '../dist/experiments/node.js';

// The package entry is the contract: what the README shows must be importable from 'flatmin'.
describe('the public API (package entry)', () => {
  it('exports the API and nothing else (research helpers are in flatmin/experiments)', () => {
    expect(Object.keys(api).sort()).toEqual([
      'FactorizationRun', 'FlatminError', 'Run', 'WorkerRun', 'divergedResult', 'expandSweep', 'factorizationDistances', 'fromRows', 'init', 'isFlatminError',
      'parseConfigText', 'predictFactorization', 'run', 'runEnsemble', 'runInWorker', 'simdSupported', 'toRows', 'validateConfig',
    ]);
  });

  it('flatmin/experiments has the presets, configs, fixtures and plots; it lists every preset the CLI knows', () => {
    for (const name of ['presets', 'findPreset', 'liu2021Configs', 'liu2021Inits', 'liu2021Problem', 'dlnFixtures', 'svd', 'renderLinePlot', 'traceTwoFactor', 'wrongMinimum'])
      expect((experiments as Record<string, unknown>)[name], name).toBeDefined();
    expect(experiments.presets.map((p) => p.name)).toEqual([
      'liu2021', 'liu2021-ratio', 'wang-jacot-D2', 'wang-jacot-D1', 'sensing-incremental', 'large-lr-balance', 'edge-of-stability', 'noise-zoo',
      'flat-seekers', 'overparam-sensing', 'arora2019-depth',
    ]);
    expect(() => experiments.findPreset('noise-zo')).toThrow(/did you mean "noise-zoo"/);
  });
});
