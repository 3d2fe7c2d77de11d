// The Web Worker script (spawned by src/platform/browser.ts as a module worker).
import '../platform/browser.js';
import { createHost } from './host.js';
import type { Request } from './protocol.js';

// Typed by hand: the webworker lib cannot be combined with the dom lib in one project.
const scope = self as unknown as {
  postMessage(message: unknown, transfer: Transferable[]): void;
  onmessage: ((e: MessageEvent<Request>) => void) | null;
};
const handle = createHost((message, transfer = []) => scope.postMessage(message, transfer));
scope.onmessage = (e) => void handle(e.data);
