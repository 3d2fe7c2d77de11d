// Regenerates the README's preset pictures from the full (not --quick) presets, with the built
// package (npm run docs:presets builds first). One SVG per preset — the one the README shows, as
// <preset>.svg — and, where EXTRA names more, <preset>-<plot>.svg. A few minutes on two cores
// (`node docs/presets/generate.mjs NAME…` for some); the output is deterministic.
import { writeFileSync } from 'node:fs';
import { presets } from '../../dist/experiments/node.js';

const SHOWN = {
  liu2021: 'ratio',
  'liu2021-ratio': 'ratio',
  'wang-jacot-D2': 'rank',
  'wang-jacot-D1': 'singular-values',
  'sensing-incremental': 'singular-values',
  'large-lr-balance': 'large-lr-sharpness',
  'noise-zoo': 'noise-zoo-trace',
  'flat-seekers': 'flat-seekers',
  'edge-of-stability': 'edge-of-stability',
  'overparam-sensing': 'errors',
  'arora2019-depth': 'effective-rank',
};

/** Further plots kept beside the README's: the rates over seeds with their intervals (issue 13 item 6). */
const EXTRA = {
  'wang-jacot-D2': ['rates', 'jump-times'],
  'wang-jacot-D1': ['rates', 'jump-times'],
};

// `node docs/presets/generate.mjs NAME…` regenerates only those.
const only = process.argv.slice(2);
for (const preset of presets.filter((p) => only.length === 0 || only.includes(p.name))) {
  const file = SHOWN[preset.name];
  if (file === undefined) throw new Error(`docs/presets/generate.mjs: which plot of ${preset.name} does the README show?`);
  const t0 = performance.now();
  const out = await preset.run();
  const svg = out.svg[file];
  if (svg === undefined) throw new Error(`${preset.name} has no plot ${file} (it has ${Object.keys(out.svg).join(', ')})`);
  writeFileSync(new URL(`./${preset.name}.svg`, import.meta.url), svg);
  for (const extra of EXTRA[preset.name] ?? []) {
    if (out.svg[extra] === undefined) throw new Error(`${preset.name} has no plot ${extra} (it has ${Object.keys(out.svg).join(', ')})`);
    writeFileSync(new URL(`./${preset.name}-${extra}.svg`, import.meta.url), out.svg[extra]);
  }
  console.log(`docs/presets/${preset.name}.svg  (${file}, ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
