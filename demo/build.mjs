// Builds the demo page into demo/dist/ (static files; serve them with demo/serve.mjs or any server).
//
//   node demo/build.mjs            needs build/flatmin.wasm, flatmin-scalar.wasm, flatmin-threads.wasm (npm run build:wasm)
//
// Layout of demo/dist, and why:
//
//   index.html, style.css
//   lib/demo/main.js                 demo/main.ts + the library's browser entry, bundled
//   lib/worker/browser-worker.js     src/worker/browser-worker.ts, bundled on its own
//   lib/worker/browser-thread.js     src/worker/browser-thread.ts (a Wasm threads pool thread), likewise
//   build/flatmin.wasm               copied from build/
//   build/flatmin-scalar.wasm        copied from build/
//   build/flatmin-threads.wasm       copied from build/ (runs with threads > 1; demo/serve.mjs sends
//                                    COOP/COEP so the page is cross-origin isolated)
//
// The library's browser entry (src/platform/browser.ts) locates the Wasm core and the worker script
// with `new URL('../../build/flatmin.wasm', import.meta.url)` and
// `new URL('../worker/browser-worker.js', import.meta.url)`, relative to the module that contains
// them. esbuild inlines that module into the bundle but leaves the `new URL(…)` expressions as they
// are and copies nothing (esbuild#795), so after bundling `import.meta.url` is the *bundle's* URL.
// Putting the main bundle two directories deep (lib/demo/) makes '../../build/' land on dist/build/
// and '../worker/' on dist/lib/worker/, where the worker bundle and the copied .wasm files are. The
// worker never fetches the core itself: the main thread compiles it once and hands the module over.
// After building, every `new URL('…', import.meta.url)` literal left in the main bundle is checked
// to resolve to a file in dist, so a moved path in the library fails here, not in the browser.
import { build } from 'esbuild';
import { cp, mkdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
export const defaultOutDir = join(here, 'dist');

const MAIN_OUT = 'lib/demo/main';
const WORKER_OUT = 'lib/worker/browser-worker';
const THREAD_OUT = 'lib/worker/browser-thread';
const WASM = ['flatmin.wasm', 'flatmin-scalar.wasm', 'flatmin-threads.wasm'];

/**
 * Bundle demo/main.ts and the worker script and lay out `outDir` (default demo/dist) as above.
 * Returns the output directory. Throws if the Wasm core is not built or a library URL would 404.
 */
export async function buildDemo({ outDir = defaultOutDir, minify = true } = {}) {
  for (const f of WASM) {
    const p = join(root, 'build', f);
    if (!(await exists(p))) throw new Error(`demo: ${relative(process.cwd(), p)} is missing; run \`npm run build:wasm\` first`);
  }
  await rm(outDir, { recursive: true, force: true });
  await mkdir(join(outDir, 'build'), { recursive: true });

  await build({
    absWorkingDir: root,
    entryPoints: [
      { in: 'demo/main.ts', out: MAIN_OUT },
      { in: 'src/worker/browser-worker.ts', out: WORKER_OUT },
      { in: 'src/worker/browser-thread.ts', out: THREAD_OUT },
    ],
    outdir: outDir,
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    minify,
    sourcemap: true,
    legalComments: 'none',
    logLevel: 'warning',
  });

  await Promise.all([
    cp(join(here, 'index.html'), join(outDir, 'index.html')),
    cp(join(here, 'style.css'), join(outDir, 'style.css')),
    ...WASM.map((f) => cp(join(root, 'build', f), join(outDir, 'build', f))),
  ]);

  // Every URL a bundle builds relative to itself must exist in the output. The main bundle must
  // have the three the library's browser entry uses (a missing one means the entry was dropped).
  const expected = ['../../build/flatmin.wasm', '../../build/flatmin-scalar.wasm', '../../build/flatmin-threads.wasm', '../worker/browser-worker.js', '../worker/browser-thread.js'];
  for (const [out, required] of [[MAIN_OUT, expected], [WORKER_OUT, []], [THREAD_OUT, []]]) {
    const file = join(outDir, `${out}.js`);
    const code = await readFile(file, 'utf8');
    const refs = [...code.matchAll(/new URL\(\s*(["'`])([^"'`]+)\1\s*,\s*import\.meta\.url\s*\)/g)].map((m) => m[2]);
    for (const e of required) {
      if (!refs.includes(e)) throw new Error(`demo: ${out}.js does not refer to '${e}' (found: ${refs.join(', ') || 'none'}); update demo/build.mjs's layout`);
    }
    for (const ref of refs) {
      const target = fileURLToPath(new URL(ref, pathToFileURL(file)));
      if (!(await exists(target))) throw new Error(`demo: '${ref}' in ${out}.js resolves to ${relative(outDir, target)}, which is not in the output`);
    }
  }
  return outDir;
}

async function exists(p) {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const t0 = performance.now();
  try {
    const out = await buildDemo();
    console.log(`demo built in ${Math.round(performance.now() - t0)} ms: ${relative(process.cwd(), out) || '.'}/`);
  } catch (e) {
    console.error(`error: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  }
}
