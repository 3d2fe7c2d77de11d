// Browsers: the core is fetched relative to this module, workers are module Web Workers. The
// `new URL('…', import.meta.url)` literals are the form bundlers (Vite, webpack 5, Parcel)
// recognise: they copy the .wasm files and bundle the worker script.
import { setPlatform } from './registry.js';

setPlatform({
  wasmSource: (build) => (build === 'simd'
    ? new URL('../../build/flatmin.wasm', import.meta.url)
    : build === 'threads'
      ? new URL('../../build/flatmin-threads.wasm', import.meta.url)
      : new URL('../../build/flatmin-scalar.wasm', import.meta.url)),
  cores: () => navigator.hardwareConcurrency || 1,
  spawnThread(module, memory, id, block) {
    const w = new Worker(new URL('../worker/browser-thread.js', import.meta.url), { type: 'module' });
    return new Promise((resolve, reject) => {
      w.addEventListener('message', () => resolve({ stop: () => w.terminate() }), { once: true });
      w.addEventListener('error', (e) => reject(new Error(e.message || 'the pool thread failed to start')), { once: true });
      w.postMessage({ module, memory, id, block });
    });
  },
  spawnWorker() {
    const w = new Worker(new URL('../worker/browser-worker.js', import.meta.url), { type: 'module' });
    return {
      post: (m) => w.postMessage(m),
      onMessage: (f) => w.addEventListener('message', (e: MessageEvent) => f(e.data)),
      onError: (f) => {
        w.addEventListener('error', (e) => f(new Error(e.message || 'the worker failed to start')));
        w.addEventListener('messageerror', () => f(new Error('a message from the worker could not be read')));
      },
      terminate: () => w.terminate(),
      busy: () => {},
    };
  },
});
