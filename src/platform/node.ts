// Node (and Bun, Deno with file access): the core is read from build/ beside the package; runs in
// a worker go to worker_threads.
import { readFile } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { setPlatform } from './registry.js';

setPlatform({
  wasmSource: (build) => new URL(build === 'simd' ? '../../build/flatmin.wasm' : '../../build/flatmin-scalar.wasm', import.meta.url),
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
