/**
 * Every preset's JSON carries the full normalized config (seed included) of each run, and one run
 * per preset (its shortest), re-run as written with the real `flatmin run`, gives the same numbers — so any
 * number in a preset's output can be reproduced from the output alone. Needs `npm run build`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { validateConfig } from '../../dist/node.js';
import { presets } from '../../dist/experiments/index.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const BIN = join(ROOT, 'dist/cli/bin.js');
const dir = mkdtempSync(join(tmpdir(), 'flatmin-rerun-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Row = { config: { seed: unknown; optimizer: { steps: number }[] }; end?: object; history?: object[] };
const steps = (r: Row) => r.config.optimizer.reduce((s, p) => s + p.steps, 0);

/** Every object under `v` that has a `config`: the runs a preset reports. */
function runsIn(v: unknown, out: Row[] = []): Row[] {
  if (Array.isArray(v)) v.forEach((x) => runsIn(x, out));
  else if (v && typeof v === 'object') {
    if ('config' in v) out.push(v as Row);
    for (const [k, x] of Object.entries(v)) if (k !== 'config') runsIn(x, out);
  }
  return out;
}

it.each(presets.map((p) => [p.name, p] as const))('%s: every run carries its normalized config; its shortest run re-runs with flatmin run to the same numbers', async (name, preset) => {
  const out = await preset.run({ quick: true });
  const rows = runsIn(out.json);
  expect(rows.length, `${name} reports no run configs`).toBeGreaterThan(0);
  for (const r of rows) {
    expect(r.config.seed).toBeDefined();
    expect(validateConfig(r.config)).toEqual(r.config); // normalized: validating it changes nothing
  }
  const row = rows.reduce((a, b) => (steps(b) < steps(a) ? b : a)); // the cheapest run: the claim is the same for each
  const expected = row.end ?? row.history?.[row.history.length - 1];
  expect(expected, `${name}'s run has neither end nor history`).toBeDefined();
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(row.config));
  const r = spawnSync(process.execPath, [BIN, 'run', file, '--out', join(dir, `${name}-out.json`), '--quiet'], { encoding: 'utf8', timeout: 60_000 });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const rerun = JSON.parse(readFileSync(join(dir, `${name}-out.json`), 'utf8')) as { history: object[] };
  expect(rerun.history[rerun.history.length - 1]).toEqual(expected);
}, 60_000);
