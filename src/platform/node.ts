// Node (and Bun, Deno with file access): the core is read from build/ beside the package; runs in
// a worker go to worker_threads.
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { poolWait, serveThread } from '../worker/thread.js';
import { setPlatform } from './registry.js';

const WASM_FILES = { simd: 'flatmin.wasm', scalar: 'flatmin-scalar.wasm', threads: 'flatmin-threads.wasm' } as const;

setPlatform({
  wasmSource: (build) => new URL(`../../build/${WASM_FILES[build]}`, import.meta.url),
  cores: () => availableParallelism(),
  spawnThread(module, memory, id, block) {
    // The body is serveThread's and poolWait's own source, evaluated: no script file to find, so a
    // bundled flatmin starts its pool threads too (both use only globals, see src/worker/thread.ts).
    // A dynamic import, not require: an eval worker inherits --input-type=module from a parent
    // started with it, and then `require` does not exist.
    const body = `import('node:worker_threads').then(({ parentPort, workerData }) => (${serveThread.toString()})(workerData, () => parentPort.postMessage('ready'), ${poolWait.toString()}));`;
    const w = new Worker(body, { eval: true, workerData: { module, memory, id, block } });
    w.unref(); // pool threads never keep the process alive: they only serve the main thread's calls
    return new Promise((resolve, reject) => {
      w.once('message', () => resolve({ stop: () => void w.terminate() }));
      w.once('error', reject);
      w.once('exit', (code) => reject(new Error(`the pool thread exited (code ${code})`)));
    });
  },
  readFile: async (url) => new Uint8Array(await readFile(url)) as Uint8Array<ArrayBuffer>,
  spawnWorker() {
    const w = new Worker(new URL('../worker/node-worker.js', import.meta.url));
    w.unref(); // an idle worker must not keep the process alive; WorkerRun refs it while busy
    return {
      post: (m) => w.postMessage(m),
      onMessage: (f) => w.on('message', (m: unknown) => f(m)),
      onError: (f) => {
        w.on('error', f);
        w.on('messageerror', f);
        // A worker that exits without an error event (process.exit, out of memory) must not leave a request hanging.
        w.on('exit', (code) => f(new Error(`the worker exited (code ${code})`)));
      },
      terminate: () => void w.terminate(),
      busy: (on) => (on ? w.ref() : w.unref()),
    };
  },
});
