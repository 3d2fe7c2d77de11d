// Runs many `flatmin run FILE` commands in one process through the real CLI entry point (dist/cli/main.js),
// so that a fuzz of a thousand configs costs one Node start-up. Usage: node cli-driver.mjs CASES.json
// CASES.json: [{ "name", "text", "args"? }]. Prints one JSON line: [{ name, code, stderr, ms }].
import { appendFileSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

await import(new URL('../../dist/platform/node.js', import.meta.url).href); // what bin.js sets up
const { main } = await import(new URL('../../dist/cli/main.js', import.meta.url).href);
const cases = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'flatmin-fuzz-'));
const out = process.stdout.write.bind(process.stdout);
let stderr = '';
process.stdout.write = () => true; // results of runs that succeed: not wanted here
process.stderr.write = (chunk) => ((stderr += String(chunk)), true);
const results = [];
try {
  for (const c of cases) {
    const file = join(dir, 'config.json');
    writeFileSync(file, c.text);
    if (process.env.FUZZ_TRACE) appendFileSync(process.env.FUZZ_TRACE, `${c.name}\n`); // which case hung, if one does
    stderr = '';
    const t0 = performance.now();
    let code;
    try {
      code = await main(['run', file, '--quiet', ...(c.args ?? [])]);
    } catch (e) {
      code = 'threw';
      stderr += `UNCAUGHT ${e?.stack ?? e}`;
    }
    results.push({ name: c.name, code, stderr: stderr.replaceAll(file, 'CONFIG'), ms: performance.now() - t0 });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
out(JSON.stringify(results) + '\n');
