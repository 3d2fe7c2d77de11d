// The worker_threads script of a pool thread (spawned by src/platform/node.ts spawnThread).
import { parentPort, workerData } from 'node:worker_threads';
import { serveThread, type ThreadStart } from './thread.js';

serveThread(workerData as ThreadStart, () => parentPort!.postMessage('ready'));
