/**
 * What differs between Node, browsers and the embedded build, registered by each package entry
 * (node.ts, browser.ts, embedded.ts here) so that nothing else imports platform modules:
 * where the Wasm core lives, how `file:` URLs are read, and how a worker is spawned.
 */
import type { Build, WasmSource } from '../backends/wasm/source.js';

export type { Build, WasmSource };

/**
 * The little that differs between a Web Worker and a worker_threads Worker, seen from the main
 * thread. Messages are the worker protocol's (src/worker/protocol.ts), opaque here so that this
 * module depends on nothing.
 */
export interface WorkerPort<Out = unknown, In = unknown> {
  post(message: Out): void;
  onMessage(handler: (message: In) => void): void;
  onError(handler: (error: Error) => void): void;
  terminate(): void;
  /** Node: keep the process alive only while a request is pending. */
  busy(on: boolean): void;
}

/** A pool thread (src/backends/wasm/threads.ts): resolves once it serves products; `stop` ends it. */
export interface CoreThread {
  /** Ends the thread; calling it again is harmless (a retired pool may stop its threads twice). */
  stop(): void;
}

export interface Platform {
  wasmSource(build: Build): WasmSource;
  /** Logical cores (the default thread count of large runs). */
  cores?(): number;
  /**
   * A worker that instantiates `module` on the shared `memory` and serves the pool as thread `id`
   * (assembly/threads.ts workerLoop); absent where workers cannot be spawned (embedded).
   */
  spawnThread?(module: WebAssembly.Module, memory: WebAssembly.Memory, id: number, block: number): Promise<CoreThread>;
  readFile?(url: URL): Promise<Uint8Array<ArrayBuffer>>;
  /** A worker running src/worker/host.ts; absent where workers cannot be spawned (embedded). */
  spawnWorker?(): WorkerPort;
}

let platform: Platform | undefined;

export function setPlatform(p: Platform): void {
  platform = p;
}

export function currentPlatform(): Platform | undefined {
  return platform;
}
