import { expect } from 'vitest';
import { getBackend } from '../../src/backends/index.js';
import type { Backend, DlnSession, SessionInput, SessionStepParams } from '../../src/backends/types.js';
import { hex, sessionState as state } from '../helpers.js';

// Checks on backend sessions shared by several suites: backend.session() by the completion-from-
// lists ones (sparse.test.ts for the two-factor model, dln-sparse.test.ts for the deep one), the
// deep model's dln() adapter by dln.test.ts and dln-sensing.test.ts.

/**
 * A Wasm build and the reference run `input` through `phases`, each in `chunks`: every call's
 * outcome is the same, and so are the whole run state and the end-to-end W at the end.
 */
export function expectSamePhases(wasm: Backend, ref: Backend, input: SessionInput, phases: SessionStepParams[], chunks: number[]): void {
  const a = wasm.session(input);
  const b = ref.session(input);
  for (const p of phases) {
    for (const chunk of chunks) expect(a.run(chunk, p)).toEqual(b.run(chunk, p));
  }
  expect(state(a)).toBe(state(b));
  expect(hex(a.endToEnd())).toBe(hex(b.endToEnd()));
  a.dispose();
  b.dispose();
}

/** The Wasm backend and the reference both run all `steps` of `params` on `input` and end on θ = `want` (hex). */
export async function expectBothBackendsReach(want: string, input: SessionInput, steps: number, params: SessionStepParams): Promise<void> {
  for (const be of [await getBackend('wasm'), await getBackend('reference')]) {
    const s = be.session(input);
    expect(s.run(steps, params).done).toBe(steps);
    expect(hex(s.theta())).toBe(want);
    s.dispose();
  }
}

/**
 * 10 steps, then a new session from (θ, RNG lanes, ξ_{t−1}, epoch sampler) runs 13 more: the same
 * run state as 23 steps straight.
 */
export function expectResumes(be: Backend, input: SessionInput, p: SessionStepParams): void {
  const straight = be.session(input);
  straight.run(23, p);
  const first = be.session(input);
  first.run(10, p);
  const second = be.session({ ...input, theta: first.theta(), rng: first.rng() });
  second.setPrevNoise(first.prevNoise());
  second.setSampler(first.sampler());
  second.run(13, p);
  expect(state(second)).toBe(state(straight));
  for (const s of [straight, first, second]) s.dispose();
}

/**
 * Two dln() sessions agree bit for bit on what they report after a run: θ, the end-to-end W, the
 * RNG lanes, the epoch order, the loss and the train and test errors.
 */
export function expectSameDlnState(a: DlnSession, b: DlnSession): void {
  expect(hex(a.theta())).toBe(hex(b.theta()));
  expect(hex(a.endToEnd())).toBe(hex(b.endToEnd()));
  expect(Array.from(a.rng())).toEqual(Array.from(b.rng()));
  expect(Array.from(a.sampler().order)).toEqual(Array.from(b.sampler().order));
  expect(a.loss()).toBe(b.loss());
  expect(a.trainError()).toBe(b.trainError());
  expect(a.testError()).toBe(b.testError());
}
