// A pool thread's body (src/platform/node.ts evaluates its source in a worker_threads Worker,
// browser-thread.ts imports it): instantiate the threads
// build on the main thread's shared memory, say so, and serve products until the pool shuts down
// (assembly/threads.ts workerLoop blocks this worker between products: it never runs JS again).

export interface ThreadStart {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** 1 … pool size (the main thread is 0). */
  id: number;
  /** The job block's byte offset (assembly/kernels/pool.ts). */
  block: number;
}

/**
 * The threads build's import env.poolWait(address, expected): sleeps while the i32 at `address`
 * equals `expected`, until notified (assembly/kernels/pool.ts says why the core does not use
 * memory.atomic.wait32). Self-contained (only globals), like serveThread: Node passes its source
 * text to the pool thread.
 */
export function poolWait(memory: WebAssembly.Memory): (address: number, expected: number) => void {
  return (address, expected) => void Atomics.wait(new Int32Array(memory.buffer, address >>> 0, 1), 0, expected);
}

/** Self-contained (only globals and its arguments): Node runs it from its source text. */
export function serveThread(start: ThreadStart, ready: () => void, wait: typeof poolWait): void {
  const instance = new WebAssembly.Instance(start.module, {
    env: {
      memory: start.memory,
      poolWait: wait(start.memory),
      abort: () => {
        throw new Error('abort in a pool thread');
      },
    },
  });
  const ex = instance.exports as { _initialize?: () => void; workerLoop(id: number, block: number, seen: number): void };
  ex._initialize?.();
  // The job word GEN (assembly/kernels/pool.ts) before `ready`: every job from here on is seen.
  const seen = Atomics.load(new Int32Array(start.memory.buffer, start.block, 1), 0);
  ready();
  try {
    ex.workerLoop(start.id, start.block, seen);
  } catch (e) {
    // The main thread may be waiting for this thread's share, which will never come: mark the pool
    // failed (word FAILED = 30), then move DONE (word 1) so that a join about to sleep on it returns,
    // and wake it; join then traps and the run reports the failure (assembly/kernels/pool.ts).
    const words = new Int32Array(start.memory.buffer, start.block, 32);
    Atomics.store(words, 30, start.id);
    Atomics.add(words, 1, 1 << 20);
    Atomics.notify(words, 1);
    throw e;
  }
}
