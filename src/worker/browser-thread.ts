// The Web Worker script of a pool thread (spawned by src/platform/browser.ts spawnThread).
import { poolWait, serveThread, type ThreadStart } from './thread.js';

const scope = self as unknown as { postMessage(message: unknown): void; onmessage: ((e: MessageEvent<ThreadStart>) => void) | null };
scope.onmessage = (e) => serveThread(e.data, () => scope.postMessage('ready'), poolWait);
