/**
 * Run one bundled ES module in each JavaScript engine we care about and collect its answer:
 *
 *   node      a child process of this Node (process.execPath)
 *   bun       node_modules/.bin/bun (npm package "bun")
 *   deno      node_modules/.bin/deno (npm package "deno"), `deno run` with no permissions
 *   chromium  /usr/bin/chromium, driven by playwright-core (fresh --user-data-dir)
 *   firefox   firefox-esr --headless as a plain process (playwright cannot drive Debian's Firefox);
 *             the page POSTs its answer to a localhost server
 *
 * The module must export `main(args, log)`, returning (a promise of) something JSON-serializable;
 * `log(text)` forwards progress lines to the caller. Used by test/engines/digest.test.ts (same
 * bits everywhere) and bench/runtimes/main.mjs (per-step speed everywhere).
 *
 * `flags` (experiments: bench/runtimes/README.md) go to the engine itself: node's argv (V8 flags),
 * deno's --v8-flags, chromium's --js-flags, bun's JavaScriptCore options as `name=value` (set as
 * BUN_JSC_name), firefox's prefs as `name=value` (user.js; true/false/numbers as such).
 *
 * runEngine never throws: an engine that cannot start, times out or whose module throws comes
 * back as { ok: false, reason, phase } — phase 'start' (never answered) or 'run' (answered with an
 * error) — so callers decide what is fatal. Every process, server and temp dir it makes is gone
 * when it resolves.
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** In the order results are usually shown; node first (it is the reference). */
export const ENGINE_NAMES = ['node', 'chromium', 'firefox', 'bun', 'deno'];

const MARK = '@@flatmin-engine@@';

const bin = {
  bun: () => process.env.FLATMIN_BUN ?? join(ROOT, 'node_modules/.bin/bun'),
  deno: () => process.env.FLATMIN_DENO ?? join(ROOT, 'node_modules/.bin/deno'),
  chromium: () => process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  firefox: () => process.env.FLATMIN_FIREFOX ?? 'firefox-esr',
};

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic',
];

// A quiet, offline, never-prompting Firefox profile. dom.max_script_run_time = 0: no "slow script"
// stop during a long benchmark. Timer precision is left at its default; the page is cross-origin
// isolated (COOP/COEP below), which gives the finer performance.now() of isolated pages.
const FIREFOX_PREFS = {
  'browser.shell.checkDefaultBrowser': false,
  'browser.startup.homepage_override.mstone': 'ignore',
  'browser.aboutwelcome.enabled': false,
  'startup.homepage_welcome_url': '',
  'datareporting.policy.dataSubmissionEnabled': false,
  'datareporting.healthreport.uploadEnabled': false,
  'toolkit.telemetry.reportingpolicy.firstRun': false,
  'toolkit.telemetry.enabled': false,
  'app.update.disabledForTesting': true,
  'app.normandy.enabled': false,
  'extensions.update.enabled': false,
  'extensions.getAddons.cache.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'browser.safebrowsing.downloads.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'browser.newtabpage.enabled': false,
  'dom.max_script_run_time': 0,
  'dom.max_chrome_script_run_time': 0,
};

/**
 * Bundle `entry` (TS or JS; may import src/ and the .wasm builds) into one self-contained ES module
 * that every engine can load: esm, es2022, platform browser, .wasm as embedded bytes.
 * Returns the bundle's path (in a fresh temp dir) and a cleanup function.
 */
export async function bundle(entry, { minify = false } = {}) {
  const { build } = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'flatmin-engines-bundle-'));
  const file = join(dir, 'bundle.mjs');
  await build({
    entryPoints: [resolve(entry)],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    loader: { '.wasm': 'binary' },
    outfile: file,
    minify,
    logLevel: 'warning',
  });
  return { file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Run the bundled module's main(args, log) in one engine.
 * @param {string} name one of ENGINE_NAMES
 * @param {{ module: string, args?: unknown, timeoutMs?: number, onLog?: (line: string) => void }} opts
 * @returns {Promise<EngineResult>}
 */
export async function runEngine(name, { module, args = null, timeoutMs = 60_000, onLog = () => {}, flags = [] }) {
  const t0 = performance.now();
  const dir = mkdtempSync(join(tmpdir(), `flatmin-engine-${name}-`));
  try {
    copyFileSync(module, join(dir, 'bundle.mjs'));
    let r;
    if (name === 'node' || name === 'bun' || name === 'deno') r = await runCli(name, dir, args, timeoutMs, onLog, flags);
    else if (name === 'chromium' || name === 'firefox') r = await runBrowser(name, dir, args, timeoutMs, onLog, flags);
    else r = { ok: false, phase: 'start', reason: `unknown engine "${name}"` };
    return { name, seconds: (performance.now() - t0) / 1000, ...r };
  } catch (e) {
    return { name, ok: false, phase: 'start', reason: oneLine(e), seconds: (performance.now() - t0) / 1000 };
  } finally {
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
}

/**
 * Start one engine on the bundled module's open(args, log) and keep it running: open() prepares
 * (e.g. builds and warms up sessions) and resolves { ready, handle }; afterwards every
 * `call(msg)` runs `handle(msg)` in the engine and resolves its (JSON) answer, so a caller can
 * interleave short timed batches of several live engines (bench/runtimes/main.mjs). Resolves
 * { ok: true, engine, ready, call, cpuThreads, close } or, like runEngine, { ok: false, phase, reason };
 * never throws. call() rejects if the engine dies, times out (timeoutMs per call) or handle() throws.
 * cpuThreads(): CPU seconds so far of every thread of every process of the engine, by "pid/tid"
 * (Linux /proc; empty elsewhere) — CPU clocks for browsers too, read from outside (cpuDelta).
 * close() ends the engine and removes its temp dir (always call it).
 * @returns {Promise<OpenedEngine>}
 */
export async function openEngine(name, { module, args = null, timeoutMs = 60_000, onLog = () => {}, flags = [] }) {
  const t0 = performance.now();
  const dir = mkdtempSync(join(tmpdir(), `flatmin-engine-${name}-`));
  const cleanups = [() => rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 })];
  const close = async () => {
    for (const f of cleanups.splice(0).reverse()) await f();
  };
  const fail = async (phase, reason, engine) => {
    await close();
    return { name, ok: false, phase, reason, engine, seconds: (performance.now() - t0) / 1000 };
  };
  try {
    copyFileSync(module, join(dir, 'bundle.mjs'));
    const box = mailbox();
    const roots = []; // the engine's top process(es): cpuThreads() reads their process trees
    let send;
    if (name === 'node' || name === 'bun' || name === 'deno') send = openCli(name, dir, args, onLog, flags, box, cleanups, roots);
    else if (name === 'chromium' || name === 'firefox') send = await openBrowser(name, dir, args, timeoutMs, onLog, flags, box, cleanups, roots);
    else return await fail('start', `unknown engine "${name}"`);
    if (typeof send === 'string') return await fail('start', send);
    let first;
    try {
      first = await box.receive(timeoutMs);
    } catch (e) {
      return await fail('start', oneLine(e));
    }
    if (first.error !== undefined) return await fail('run', `threw: ${first.error}`, first.engine);
    const call = async (msg) => {
      send(msg);
      const r = await box.receive(timeoutMs);
      if (r.error !== undefined) throw new Error(`${name}: threw: ${r.error}`);
      return r.reply;
    };
    const closeEngine = async () => {
      try {
        send(null); // the engine's loop ends; the process is killed below anyway
      } catch {
        // already gone
      }
      await close();
    };
    const cpuThreads = () => treeThreadCpu(roots);
    return { name, ok: true, engine: first.engine, ready: first.ready, call, cpuThreads, close: closeEngine, seconds: (performance.now() - t0) / 1000 };
  } catch (e) {
    return await fail('start', oneLine(e));
  }
}

/** Messages in arrival order; receive() waits for the next one, or rejects on failure or timeout. */
function mailbox() {
  const queue = [];
  let waiter;
  let failure;
  return {
    push(msg) {
      if (waiter) {
        const w = waiter;
        waiter = undefined;
        w.ok(msg);
      } else queue.push(msg);
    },
    fail(reason) {
      failure ??= reason;
      if (waiter) {
        const w = waiter;
        waiter = undefined;
        w.no(new Error(failure));
      }
    },
    receive(timeoutMs) {
      if (queue.length) return Promise.resolve(queue.shift());
      if (failure) return Promise.reject(new Error(failure));
      return new Promise((ok, no) => {
        const timer = setTimeout(() => {
          waiter = undefined;
          no(new Error(`no answer within ${timeoutMs / 1000} s`));
        }, timeoutMs);
        waiter = { ok: (m) => { clearTimeout(timer); ok(m); }, no: (e) => { clearTimeout(timer); no(e); } };
      });
    },
  };
}

/** The median of xs (the mean of the middle two for an even count). */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** The value of a `--name=value` command-line argument (undefined if absent). */
export function flagValue(name, argv = process.argv.slice(2)) {
  return argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

/** Shown next to the version, for the table: which JS engine each runtime embeds. */
export const ENGINE_FAMILY = {
  node: 'V8', deno: 'V8', chromium: 'V8', bun: 'JavaScriptCore', firefox: 'SpiderMonkey',
};

// ---------------------------------------------------------------------------------------------
// node / bun / deno: a runner module beside the bundle prints one marked JSON line on stdout.

function cliRunner(args) {
  return `import { main } from './bundle.mjs';
const engine = globalThis.Deno
  ? { version: Deno.version.deno, detail: 'V8 ' + Deno.version.v8 }
  : globalThis.Bun
    ? { version: Bun.version, detail: 'JavaScriptCore' }
    : { version: process.versions.node, detail: 'V8 ' + process.versions.v8 };
let out;
try {
  const value = await main(${JSON.stringify(args)}, (line) => console.error(${JSON.stringify(MARK)} + String(line)));
  out = { engine, value };
} catch (e) {
  out = { engine, error: String((e && e.stack) || e) };
}
console.log(${JSON.stringify(MARK)} + JSON.stringify(out));
`;
}

/** `name=value` pairs (bun's JSC options, firefox's prefs) as [name, value] with value typed. */
function pairs(flags) {
  return flags.map((f) => {
    const i = f.indexOf('=');
    if (i < 1) throw new Error(`engine flag "${f}": want name=value`);
    const v = f.slice(i + 1);
    return [f.slice(0, i), v === 'true' ? true : v === 'false' ? false : /^-?\d+$/.test(v) ? Number(v) : v];
  });
}

/** The command line of a CLI engine: { cmd, argv, env }, or a reason string if it is missing. */
function cliCommand(name, flags) {
  let cmd;
  let argv;
  const jsc = {};
  if (name === 'node') [cmd, argv] = [process.execPath, [...flags, 'runner.mjs']];
  else if (name === 'bun') {
    [cmd, argv] = [bin.bun(), ['runner.mjs']];
    for (const [k, v] of pairs(flags)) jsc[`BUN_JSC_${k}`] = String(v);
  } else {
    const v8 = flags.length ? [`--v8-flags=${flags.join(',')}`] : [];
    [cmd, argv] = [bin.deno(), ['run', '--quiet', '--no-config', '--no-lock', ...v8, 'runner.mjs']];
  }
  if (name !== 'node' && cmd.includes('/') && !existsSync(cmd)) return `${cmd} not found (npm install the "${name}" dev dependency)`;
  return { cmd, argv, env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1', NO_COLOR: '1', ...jsc } };
}

/** Calls each(line) for every complete line `stream` sends; returns () => the unfinished last line. */
function onLines(stream, each) {
  let buf = '';
  stream.on('data', (d) => {
    buf += d;
    const lines = buf.split('\n');
    buf = lines.pop();
    for (const l of lines) each(l);
  });
  return () => buf;
}

/** A CLI engine's stderr: marked lines are progress, forwarded to onLog as they come; returns () => the rest, its error text. */
function engineStderr(stream, onLog) {
  const rest = [];
  const last = onLines(stream, (l) => (l.startsWith(MARK) ? onLog(l.slice(MARK.length)) : rest.push(l)));
  return () => [...rest, last()].join('\n');
}

function runCli(name, dir, args, timeoutMs, onLog, flags) {
  writeFileSync(join(dir, 'runner.mjs'), cliRunner(args));
  const c = cliCommand(name, flags);
  if (typeof c === 'string') return Promise.resolve({ ok: false, phase: 'start', reason: c });
  const { cmd, argv, env } = c;
  return new Promise((done) => {
    const child = spawn(cmd, argv, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let settled = false;
    const finish = (r) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      done(r);
    };
    const timer = setTimeout(() => {
      killGroup(child);
      finish({ ok: false, phase: 'start', reason: `no answer within ${timeoutMs / 1000} s${tail(errText())}` });
    }, timeoutMs);
    child.stdout.on('data', (d) => { stdout += d; });
    const errText = engineStderr(child.stderr, onLog);
    child.on('error', (e) => finish({ ok: false, phase: 'start', reason: `${cmd}: ${e.message}` }));
    child.on('close', (code, signal) => {
      const line = stdout.split('\n').find((l) => l.startsWith(MARK));
      if (!line) {
        finish({ ok: false, phase: 'start', reason: `${name} exited (${signal ?? `code ${code}`}) without an answer${tail(errText())}` });
        return;
      }
      finish(answer(JSON.parse(line.slice(MARK.length))));
    });
  });
}

/** openEngine's CLI runner: open(), then one JSON message per stdin line, one marked answer each. */
function cliOpenRunner(args) {
  return `import { open } from './bundle.mjs';
const MARK = ${JSON.stringify(MARK)};
const engine = globalThis.Deno
  ? { version: Deno.version.deno, detail: 'V8 ' + Deno.version.v8 }
  : globalThis.Bun
    ? { version: Bun.version, detail: 'JavaScriptCore' }
    : { version: process.versions.node, detail: 'V8 ' + process.versions.v8 };
const say = (o) => console.log(MARK + JSON.stringify(o));
const why = (e) => String((e && e.stack) || e);
async function* lines() {
  const dec = new TextDecoder();
  let buf = '';
  for await (const chunk of globalThis.Deno ? Deno.stdin.readable : process.stdin) {
    buf += typeof chunk === 'string' ? chunk : dec.decode(chunk, { stream: true });
    for (let i; (i = buf.indexOf('\\n')) >= 0; buf = buf.slice(i + 1)) yield buf.slice(0, i);
  }
}
let handle;
try {
  const o = await open(${JSON.stringify(args)}, (line) => console.error(MARK + String(line)));
  handle = o.handle;
  say({ engine, ready: o.ready });
} catch (e) {
  say({ engine, error: why(e) });
}
if (handle) {
  for await (const line of lines()) {
    const msg = JSON.parse(line);
    if (msg === null) break;
    try {
      say({ reply: await handle(msg) });
    } catch (e) {
      say({ error: why(e) });
    }
  }
}
(globalThis.Deno ?? process).exit(0);
`;
}

/** Spawn a CLI engine in open mode; returns send(msg), or a reason string. */
function openCli(name, dir, args, onLog, flags, box, cleanups, roots) {
  writeFileSync(join(dir, 'runner.mjs'), cliOpenRunner(args));
  const c = cliCommand(name, flags);
  if (typeof c === 'string') return c;
  const child = spawn(c.cmd, c.argv, { cwd: dir, env: c.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  roots.push(child.pid);
  cleanups.push(() => killGroup(child));
  onLines(child.stdout, (l) => l.startsWith(MARK) && box.push(JSON.parse(l.slice(MARK.length))));
  const errText = engineStderr(child.stderr, onLog);
  child.stdin.on('error', () => {}); // EPIPE after the engine died: reported by 'close'
  child.on('error', (e) => box.fail(`${c.cmd}: ${e.message}`));
  child.on('close', (code, signal) => box.fail(`${name} exited (${signal ?? `code ${code}`})${tail(errText())}`));
  return (msg) => child.stdin.write(`${JSON.stringify(msg)}\n`);
}

// ---------------------------------------------------------------------------------------------
// Browsers: a localhost server (port 0) serves a page that imports the bundle, runs main and POSTs
// { engine, value | error } to /result; log lines go to /log. In open mode the page POSTs each
// answer to /next and the response is its next message (null: stop).

const PAGE_HEAD = `const post = (path, body) => fetch(path, { method: 'POST', body: JSON.stringify(body) });
const ua = navigator.userAgent;
const m = /(?:Firefox|Chrome)\\/([0-9.]+)/.exec(ua);
const engine = { version: m ? m[1] : ua, userAgent: ua, crossOriginIsolated: self.crossOriginIsolated };
const why = (e) => String((e && e.stack) || e);
let seq = 0;
const log = (line) => post('/log', { seq: seq++, line: String(line) });`;

/** A page whose module script is PAGE_HEAD, then `body`. */
function pageWith(title, body) {
  return `<!doctype html>
<meta charset="utf-8">
<title>${title}</title>
<script type="module">
${PAGE_HEAD}
${body}
</script>
`;
}

function page(args) {
  return pageWith('flatmin engine run', `try {
  const { main } = await import('./bundle.mjs');
  const value = await main(${JSON.stringify(args)}, log);
  await post('/result', { engine, value });
} catch (e) {
  await post('/result', { engine, error: why(e) });
}`);
}

function openPage(args) {
  return pageWith('flatmin engine session', `let handle;
let answer;
try {
  const { open } = await import('./bundle.mjs');
  const o = await open(${JSON.stringify(args)}, log);
  handle = o.handle;
  answer = { engine, ready: o.ready };
} catch (e) {
  answer = { engine, error: why(e) };
}
for (;;) {
  const msg = await (await post('/next', answer)).json();
  if (msg === null || !handle) break;
  try {
    answer = { reply: await handle(msg) };
  } catch (e) {
    answer = { error: why(e) };
  }
}`);
}

/**
 * Serve dir/index.html + dir/bundle.mjs; resolves { url, result: Promise, close }. With `onNext`
 * (open mode), POST /next hands its body and a `reply(msg)` that answers the request to onNext.
 */
function serve(dir, onLog, onNext) {
  let resolveResult;
  const result = new Promise((r) => { resolveResult = r; });
  const server = http.createServer((req, res) => {
    // Cross-origin isolated: finer performance.now() in both browsers.
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    res.setHeader('Cache-Control', 'no-store');
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (req.method === 'POST') {
      const chunks = [];
      req.on('data', (d) => chunks.push(d));
      req.on('end', () => {
        let body;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          res.end('null');
          return;
        }
        if (path === '/next' && onNext) {
          res.setHeader('Content-Type', 'application/json');
          onNext(body, (msg) => res.end(JSON.stringify(msg)));
          return;
        }
        res.end('ok');
        if (path === '/result') resolveResult(body);
        else if (path === '/log') onLog(body.line);
      });
      return;
    }
    const files = { '/': ['index.html', 'text/html; charset=utf-8'], '/bundle.mjs': ['bundle.mjs', 'text/javascript; charset=utf-8'] };
    const f = files[path];
    if (!f) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('Content-Type', f[1]);
    res.end(readFileSync(join(dir, f[0])));
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      ok({
        url: `http://127.0.0.1:${port}/`,
        result,
        close: () => new Promise((r) => {
          server.closeAllConnections?.();
          server.close(() => r());
        }),
      });
    });
  });
}

async function runBrowser(name, dir, args, timeoutMs, onLog, flags) {
  writeFileSync(join(dir, 'index.html'), page(args));
  const srv = await serve(dir, onLog);
  let b;
  try {
    b = await launchBrowser(name, srv.url, dir, timeoutMs, flags);
    if (typeof b === 'string') return { ok: false, phase: 'start', reason: b };
    const first = await withTimeout(Promise.race([srv.result, b.exited.then((why) => ({ exitedEarly: why }))]), b.left(), 'no answer');
    if (first.exitedEarly) return { ok: false, phase: 'start', reason: first.exitedEarly };
    const r = answer(first);
    if (r.engine) r.engine = { ...r.engine, ...b.version };
    return r;
  } catch (e) {
    return { ok: false, phase: 'start', reason: `${name}: ${oneLine(e)}${b?.errors?.() ?? ''}` };
  } finally {
    if (typeof b === 'object') await b.close();
    await srv.close();
  }
}

/** openEngine's browser half: serve the open page, launch the browser; returns send(msg), or a reason. */
async function openBrowser(name, dir, args, timeoutMs, onLog, flags, box, cleanups, roots) {
  writeFileSync(join(dir, 'index.html'), openPage(args));
  let reply;
  let version = {};
  const srv = await serve(dir, onLog, (body, answerWith) => {
    reply = answerWith;
    box.push(body.engine ? { ...body, engine: { ...body.engine, ...version } } : body);
  });
  cleanups.push(() => {
    reply?.(null);
    return srv.close();
  });
  const b = await launchBrowser(name, srv.url, dir, timeoutMs, flags);
  if (typeof b === 'string') return b;
  version = b.version ?? {};
  roots.push(...b.pids());
  cleanups.push(() => b.close());
  b.exited.then((why) => box.fail(why));
  return (msg) => {
    if (!reply) throw new Error(`${name}: the page is not waiting for a message`);
    const r = reply;
    reply = undefined;
    r(msg);
  };
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, fail) => { timer = setTimeout(() => fail(new TimeoutError(`${what} within ${ms / 1000} s`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

class TimeoutError extends Error {}

/**
 * Launch a browser on `url` with a fresh profile under dir. Returns a reason string if it cannot
 * start, else { version (merged into the page's engine info; may be undefined), exited (resolves
 * with a reason if the browser goes away), left() (ms left of timeoutMs), errors() (page errors,
 * as text), pids() (its top process ids), close() }. Throws if the page cannot be loaded (the caller closes nothing then).
 */
async function launchBrowser(name, url, dir, timeoutMs, flags) {
  return name === 'chromium' ? launchChromium(url, dir, timeoutMs, flags) : launchFirefox(url, dir, timeoutMs, flags);
}

async function launchChromium(url, dir, timeoutMs, flags) {
  const exe = bin.chromium();
  if (!existsSync(exe)) return `${exe} not found (apt-get install chromium)`;
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (e) {
    return `playwright-core not installed: ${oneLine(e)}`;
  }
  const t0 = performance.now();
  const errors = [];
  let context;
  try {
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: exe, headless: true, timeout: timeoutMs,
      args: flags.length ? [...CHROMIUM_ARGS, `--js-flags=${flags.join(' ')}`] : CHROMIUM_ARGS,
    });
    const pg = context.pages()[0] ?? await context.newPage();
    pg.on('pageerror', (e) => errors.push(oneLine(e)));
    // The user agent says "150.0.0.0" (reduced UA); the DevTools protocol knows the build and V8.
    let version;
    try {
      const cdp = await context.newCDPSession(pg);
      const v = await cdp.send('Browser.getVersion');
      version = { version: v.product.replace(/^[^/]*\//, ''), detail: `V8 ${v.jsVersion}` };
    } catch {
      version = undefined;
    }
    const exited = new Promise((r) => context.once('close', () => r('chromium closed before answering')));
    await pg.goto(url, { timeout: timeoutMs });
    return {
      version,
      exited,
      left: () => Math.max(1000, timeoutMs - (performance.now() - t0)),
      errors: () => (errors.length ? `; page errors: ${errors.join('; ')}` : ''),
      pids: () => childrenOf(process.pid).filter((pid) => cmdline(pid).includes(join(dir, 'profile'))),
      close: () => context.close().catch(() => {}),
    };
  } catch (e) {
    await context?.close().catch(() => {});
    return `chromium: ${oneLine(e)}${errors.length ? `; page errors: ${errors.join('; ')}` : ''}`;
  }
}

async function launchFirefox(url, dir, timeoutMs, flags) {
  const exe = bin.firefox();
  let version;
  try {
    version = execFileSync(exe, ['--version'], { encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'ignore'] })
      .trim().replace(/^Mozilla Firefox\s*/, '');
  } catch (e) {
    return `${exe} --version failed: ${oneLine(e)}`;
  }
  const t0 = performance.now();
  const profile = join(dir, 'profile');
  mkdirSync(profile);
  writeFileSync(join(profile, 'user.js'), [...Object.entries(FIREFOX_PREFS), ...pairs(flags)]
    .map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});\n`).join(''));
  const env = { ...process.env, MOZ_CRASHREPORTER_DISABLE: '1', MOZ_DISABLE_AUTO_SAFE_MODE: '1', MOZ_HEADLESS: '1' };
  const child = spawn(exe, ['--headless', '--no-remote', '--profile', profile, url], {
    env, stdio: ['ignore', 'ignore', 'pipe'], detached: true,
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; if (stderr.length > 20_000) stderr = stderr.slice(-10_000); });
  const exited = new Promise((r) => {
    child.on('error', (e) => r(`could not start ${exe}: ${e.message}`));
    child.on('exit', (code, signal) => r(`${exe} exited (${signal ?? `code ${code}`}) before answering${tail(stderr)}`));
  });
  return {
    version: { version },
    exited,
    left: () => Math.max(1000, timeoutMs - (performance.now() - t0)),
    errors: () => tail(stderr),
    pids: () => [child.pid],
    close: () => killGroup(child),
  };
}

// ---------------------------------------------------------------------------------------------

function answer(body) {
  if (body.error !== undefined) return { ok: false, phase: 'run', engine: body.engine, reason: `threw: ${body.error}` };
  return { ok: true, engine: body.engine, value: body.value };
}

/** SIGTERM the child's process group (it was spawned detached, so it leads one), SIGKILL after 5 s. */
function killGroup(child) {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const gone = new Promise((r) => child.once('exit', r));
  const signal = (s) => {
    try {
      process.kill(-child.pid, s);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const hard = setTimeout(() => signal('SIGKILL'), 5000);
  return gone.then(() => {
    clearTimeout(hard);
    signal('SIGKILL'); // stragglers of the group (content processes)
  });
}

/** Linux: (pid, ppid) of every process, from /proc/PID/stat; empty elsewhere. */
function processTable() {
  const rows = [];
  let pids;
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return rows;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      rows.push([Number(pid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])]);
    } catch {
      // gone
    }
  }
  return rows;
}

function childrenOf(pid) {
  return processTable().filter(([, ppid]) => ppid === pid).map(([p]) => p);
}

function cmdline(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/**
 * CPU seconds so far of every thread in the process trees under `roots`, by "pid/tid": on-CPU
 * nanoseconds from /proc/PID/task/TID/schedstat (ns resolution, unlike the 10 ms ticks of
 * /proc/PID/stat). Empty where /proc is not there.
 */
function treeThreadCpu(roots) {
  const out = new Map();
  const table = processTable();
  const kids = new Map();
  for (const [pid, ppid] of table) kids.set(ppid, [...(kids.get(ppid) ?? []), pid]);
  const todo = table.length ? [...roots] : [];
  while (todo.length) {
    const pid = todo.pop();
    todo.push(...(kids.get(pid) ?? []));
    let tids;
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        out.set(`${pid}/${tid}`, Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e9);
      } catch {
        // gone
      }
    }
  }
  return out;
}

/**
 * Between two cpuThreads() snapshots: `busiest`, the CPU seconds of the thread that ran the most
 * (the one running the benchmark), and `total`, of all threads (helpers, other processes of a
 * browser); both NaN if there were no snapshots.
 */
export function cpuDelta(before, after) {
  let busiest = 0;
  let total = 0;
  for (const [id, sec] of after) {
    const d = sec - (before.get(id) ?? 0);
    busiest = Math.max(busiest, d);
    total += d;
  }
  return after.size ? { busiest, total } : { busiest: NaN, total: NaN };
}

function oneLine(e) {
  return String(e instanceof Error ? e.message : e).split('\n').filter((l) => l.trim()).slice(0, 3).join(' | ');
}

function tail(text) {
  const lines = String(text).split('\n').map((l) => l.trim()).filter(Boolean).slice(-3);
  return lines.length ? `: ${lines.join(' | ')}` : '';
}

/** A readable engine label, e.g. "Node 20.20.0 (V8 11.3.244.8)". */
export function engineLabel(r) {
  const title = { node: 'Node', bun: 'Bun', deno: 'Deno', chromium: 'Chromium', firefox: 'Firefox' }[r.name] ?? r.name;
  if (!r.engine) return title;
  return `${title} ${r.engine.version}${r.engine.detail ? ` (${r.engine.detail})` : ` (${ENGINE_FAMILY[r.name]})`}`;
}
