/**
 * A fixed pool of workers — worker_threads in Node, Web Workers in browsers, whatever the
 * platform's spawnWorker gives (src/worker/) — each running one sweep run at a time (the
 * `runOne` request of src/worker/host.ts). Runs are independent and take ~0.1–10 s each, so one
 * message per run costs nothing measurable and a plain FIFO keeps every core busy. The main thread
 * compiles the Wasm core once and hands the module to each worker with its first run. A worker
 * that dies (out of memory, a crash in the engine) fails only its own run: that run is recorded
 * as failed and a fresh worker takes the slot.
 */
import { coreModule, loadCore, type WasmSource } from '../backends/wasm/loader.js';
import { FlatminError } from '../errors.js';
import { currentPlatform, type WorkerPort as Port } from '../platform/registry.js';
import type { Reply, Request } from '../worker/protocol.js';

type WorkerPort = Port<Request, Reply>;
import type { Outcome } from './metrics.js';

interface Task {
  config: unknown;
  keepHistory: boolean;
  resolve(o: Outcome): void;
  reject(e: unknown): void;
}

interface Slot {
  port: WorkerPort;
  /** The worker has not been sent the core module yet. */
  fresh: boolean;
  task?: Task;
}

export class SweepPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private closed?: unknown;

  private constructor(size: number, private readonly spawn: () => WorkerPort, private readonly module: WebAssembly.Module) {
    for (let i = 0; i < size; i++) this.slots.push(this.open());
  }

  static async create(size: number, wasm?: WasmSource): Promise<SweepPool> {
    const spawn = currentPlatform()?.spawnWorker;
    if (!spawn) throw new FlatminError('USAGE', 'workers', 'this entry cannot spawn workers; import flatmin through its node or browser entry');
    await loadCore(wasm);
    return new SweepPool(Math.max(1, size), spawn as () => WorkerPort, await coreModule());
  }

  /** Runs one config on the next free worker. Failures come back as outcomes; rejects only once the pool is closed. */
  run(config: unknown, keepHistory: boolean): Promise<Outcome> {
    return new Promise((resolve, reject) => {
      if (this.closed !== undefined) return reject(this.closed);
      this.queue.push({ config, keepHistory, resolve, reject });
      this.pump();
    });
  }

  /** Ends every worker at once; runs not finished reject with `reason`. */
  close(reason: unknown = new FlatminError('USAGE', 'workers', 'the sweep pool was closed')): void {
    if (this.closed !== undefined) return;
    this.closed = reason;
    for (const slot of this.slots) {
      slot.port.terminate();
      slot.task?.reject(reason);
    }
    for (const t of this.queue.splice(0)) t.reject(reason);
  }

  private open(): Slot {
    const slot: Slot = { port: this.spawn(), fresh: true };
    slot.port.onMessage((reply: Reply) => {
      const t = slot.task;
      slot.task = undefined;
      slot.port.busy(false);
      if (t && reply.type === 'ok' && reply.outcome) t.resolve(reply.outcome);
      else if (t) t.resolve({ status: 'failed', error: { code: reply.type === 'error' ? reply.error.code ?? 'INTERNAL' : 'INTERNAL', path: 'worker', message: reply.type === 'error' ? reply.error.reason : 'the worker sent no outcome' }, metrics: {} });
      this.pump();
    });
    slot.port.onError((e) => {
      if (this.closed !== undefined) return;
      const i = this.slots.indexOf(slot);
      if (i < 0) return; // already replaced (an error and then an exit)
      slot.port.terminate();
      slot.task?.resolve({ status: 'failed', error: { code: 'INTERNAL', path: 'worker', message: `the worker died: ${e.message}` }, metrics: {} });
      this.slots[i] = this.open();
      this.pump();
    });
    return slot;
  }

  private pump(): void {
    if (this.closed !== undefined) return;
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.task) continue;
      const t = this.queue.shift()!;
      slot.task = t;
      slot.port.busy(true);
      slot.port.post({ type: 'runOne', config: t.config, keepHistory: t.keepHistory, ...(slot.fresh ? { module: this.module } : {}) });
      slot.fresh = false;
    }
  }
}
