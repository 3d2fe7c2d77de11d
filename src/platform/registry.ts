/**
 * What differs between Node, browsers and the embedded build, registered by each package entry
 * (node.ts, browser.ts, embedded.ts here) so that nothing else imports platform modules:
 * where the Wasm core lives, how `file:` URLs are read, and how a worker is spawned.
 */
import type { Build, WasmSource } from '../backends/wasm/source.js';
import type { WorkerPort } from '../worker/protocol.js';

export interface Platform {
  wasmSource(build: Build): WasmSource;
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
