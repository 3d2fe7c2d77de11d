// A sweep pool's worker_threads script (spawned by src/sweep/pool.ts): runs one config per message
// and answers with its Outcome. Each worker loads the Wasm core once and keeps it.
import { parentPort } from 'node:worker_threads';
import '../platform/node.js';
import { outcomeOf } from './metrics.js';
import { runOne } from './runOne.js';
import type { PoolReply, PoolTask } from './pool.js';

const port = parentPort!;
port.on('message', async (task: PoolTask) => {
  const outcome = await outcomeOf(() => runOne(task.config), task.keepHistory);
  port.postMessage({ id: task.id, outcome } satisfies PoolReply);
});
