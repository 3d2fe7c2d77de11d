/**
 * flatmin/experiments — the research helpers around the API: the named experiments (presets), the
 * main job's configs, the Wang & Jacot fixtures, the SVD and the SVG plots they are reported with.
 *
 *   import { presets, liu2021Configs } from 'flatmin/experiments';
 */
export { liu2021Configs, liu2021Inits, liu2021Problem, gdOptimizer, perturbedOptimizer, type Liu2021Config, type NamedInit } from './liu2021.js';
export { traceTwoFactor, type TwoFactorRecord, type TraceOptions } from './twoFactorTrace.js';
export { fixtureInput } from './wangJacot.js';
export { dlnFixtures, dlnFixtureNames, type DlnFixture } from '../problems/fixtures/index.js';
export { presets, findPreset } from '../presets/index.js';
export type { Preset, PresetOptions, PresetOutput } from '../presets/index.js';
export { svd, singularValues, type SVD, type SVDOptions } from '../linalg/svd.js';
export { renderLinePlot, type PlotSpec, type Series } from '../report/svg.js';
export { wrongMinimum } from '../theory/factorization.js';
