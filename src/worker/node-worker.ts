// The worker_threads script (spawned by src/platform/node.ts).
import { parentPort } from 'node:worker_threads';
import '../platform/node.js';
import { createHost } from './host.js';
import type { Request } from './protocol.js';

const port = parentPort!;
const handle = createHost((message, transfer = []) => port.postMessage(message, transfer as never));
port.on('message', (req: Request) => void handle(req));
