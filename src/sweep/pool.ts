/**
 * A fixed pool of worker_threads, each running one sweep run at a time (src/sweep/worker.ts).
 * Runs are independent and take ~0.1–10 s each, so one message per run costs nothing measurable
 * and a plain FIFO keeps every core busy. A worker that dies (out of memory, a crash in the
 * engine) fails only its own run: it is recorded as failed and a fresh worker takes its place.
 */
import { Worker } from 'node:worker_threads';
import type { Outcome } from './metrics.js';

export interface PoolTask {
  id: number;
  config: unknown;
  keepHistory: boolean;
}

export interface PoolReply {
  id: number;
  outcome: Outcome;
}

interface Slot {
  worker: Worker;
  task?: { task: PoolTask; resolve(o: Outcome): void };
}

export class SweepPool {
  private readonly slots: Slot[] = [];
  private readonly queue: { task: PoolTask; resolve(o: Outcome): void }[] = [];
  private nextId = 0;
  private closed = false;

  constructor(size: number, private readonly script = new URL('./worker.js', import.meta.url)) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  /** Runs one config on the next free worker. Never rejects: failures come back as outcomes. */
  run(config: unknown, keepHistory: boolean): Promise<Outcome> {
    return new Promise((resolve) => {
      this.queue.push({ task: { id: this.nextId++, config, keepHistory }, resolve });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(this.script) };
    slot.worker.on('message', (reply: PoolReply) => {
      const t = slot.task;
      slot.task = undefined;
      if (t && t.task.id === reply.id) t.resolve(reply.outcome);
      this.pump();
    });
    const lost = (why: string) => {
      const t = slot.task;
      slot.task = undefined;
      if (this.closed) return;
      t?.resolve({ status: 'failed', error: { code: 'INTERNAL', path: 'worker', message: `the worker died: ${why}` }, metrics: {} });
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots[i] = this.spawn();
      this.pump();
    };
    slot.worker.on('error', (e) => lost(e.message));
    slot.worker.on('exit', (code) => lost(`it exited with code ${code}`));
    return slot;
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.task) continue;
      slot.task = this.queue.shift()!;
      slot.worker.postMessage(slot.task.task);
    }
  }
}
