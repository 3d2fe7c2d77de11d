import { describe, expect, it } from 'vitest';
import * as api from '../dist/node.js';

// The package entry is the contract: what the README shows must be importable from 'flatmin'.
describe('the public API (package entry)', () => {
  it.each([
    'run', 'FactorizationRun', 'FlatminError', 'validateConfig', 'parseConfigText', 'init', 'simdSupported',
    'WorkerRun', 'runInWorker', 'runDln', 'presets', 'findPreset', 'renderLinePlot',
    'predictFactorization', 'factorizationDistances', 'getBackend', 'backendNames', 'runEnsemble', 'expandSweep',
  ])('exports %s', (name) => {
    expect((api as Record<string, unknown>)[name]).toBeDefined();
  });

  it('lists every preset the CLI knows, by name', () => {
    expect(api.presets.map((p) => p.name)).toEqual([
      'liu2021', 'liu2021-ratio', 'wang-jacot-D2', 'wang-jacot-D1', 'sensing-incremental', 'large-lr-balance', 'noise-zoo',
    ]);
    expect(() => api.findPreset('noise-zo')).toThrow(/did you mean "noise-zoo"/);
  });
});
