/**
 * TensorFlow.js on its WebAssembly backend (f32, XNNPACK, single-threaded in Node), three ways:
 *
 * - idiomatic: the residual form a tfjs user writes, R = Xp Ypᵀ − M, G_X = R Yp, G_Y = Rᵀ Xp, with
 *   matMul's transpose flags (6nmr flops, two of the three products on the transposed slow path);
 * - 4nmr + flags: the 4nmr algebra, still with transpose flags (Mᵀ Xp and the Grams on the slow path);
 * - fastest: the best, at each size, of those two and of two more formulations: the 4nmr algebra
 *   with no transposed matMul at all (Mᵀ kept as a constant tensor, the Grams as
 *   matMul(transpose(Xp), Xp) on an explicit n×r transposed copy), and the same with the Grams on
 *   transpose flags (fewer ops: at small sizes the per-op overhead, not the flops, decides). A short
 *   trial picks the formulation; the row's note says which.
 *
 * Noise is tf.randomNormal in every formulation. One step is one tf.tidy.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type * as TF from '@tensorflow/tfjs-core';
import type { Impl, Problem, Runner } from '../problem.js';

type Tf = typeof TF;
type T2 = TF.Tensor2D;

let ready: Promise<{ tf: Tf; info: Record<string, unknown> }> | undefined;

/** Load tfjs-core + the wasm backend once; its .wasm files come from the installed package. */
export function loadTf(): Promise<{ tf: Tf; info: Record<string, unknown> }> {
  ready ??= (async () => {
    const tf = await import('@tensorflow/tfjs-core');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    const dir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
    wasm.setWasmPaths(`${dir}/`);
    if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") failed');
    const env = tf.env();
    const info = {
      version: tf.version_core,
      backend: tf.getBackend(),
      simd: env.getBool('WASM_HAS_SIMD_SUPPORT'),
      threads: env.getBool('WASM_HAS_MULTITHREAD_SUPPORT'),
    };
    return { tf, info };
  })();
  return ready;
}

export async function tfjsUnavailable(): Promise<string | null> {
  try {
    await loadTf();
    return null;
  } catch (e) {
    return `@tensorflow/tfjs-backend-wasm did not load: ${(e as Error).message}`;
  }
}

type StepFn = (tf: Tf, s: { M: T2; Mt: T2; X: T2; Y: T2 }, p: Problem) => [T2, T2];

function noise(tf: Tf, X: T2, Y: T2, p: Problem): [T2, T2] {
  return [
    tf.add(X, tf.randomNormal(X.shape, 0, p.sigmaX, 'float32')),
    tf.add(Y, tf.randomNormal(Y.shape, 0, p.sigmaY, 'float32')),
  ];
}

export const idiomatic: StepFn = (tf, { M, X, Y }, p) => {
  const [Xp, Yp] = noise(tf, X, Y, p);
  const R = tf.sub(tf.matMul(Xp, Yp, false, true), M);
  const GX = tf.matMul(R, Yp);
  const GY = tf.matMul(R, Xp, true, false);
  return [tf.sub(X, tf.mul(GX, p.lr)), tf.sub(Y, tf.mul(GY, p.lr))];
};

export const flags4: StepFn = (tf, { M, X, Y }, p) => {
  const [Xp, Yp] = noise(tf, X, Y, p);
  const GX = tf.sub(tf.matMul(Xp, tf.matMul(Yp, Yp, true, false)), tf.matMul(M, Yp));
  const GY = tf.sub(tf.matMul(Yp, tf.matMul(Xp, Xp, true, false)), tf.matMul(M, Xp, true, false));
  return [tf.sub(X, tf.mul(GX, p.lr)), tf.sub(Y, tf.mul(GY, p.lr))];
};

export const noFlags: StepFn = (tf, { M, Mt, X, Y }, p) => {
  const [Xp, Yp] = noise(tf, X, Y, p);
  const Gy = tf.matMul(tf.transpose(Yp), Yp);
  const Gx = tf.matMul(tf.transpose(Xp), Xp);
  const GX = tf.sub(tf.matMul(Xp, Gy), tf.matMul(M, Yp));
  const GY = tf.sub(tf.matMul(Yp, Gx), tf.matMul(Mt, Xp));
  return [tf.sub(X, tf.mul(GX, p.lr)), tf.sub(Y, tf.mul(GY, p.lr))];
};

export const gramFlags: StepFn = (tf, { M, Mt, X, Y }, p) => {
  const [Xp, Yp] = noise(tf, X, Y, p);
  const GX = tf.sub(tf.matMul(Xp, tf.matMul(Yp, Yp, true, false)), tf.matMul(M, Yp));
  const GY = tf.sub(tf.matMul(Yp, tf.matMul(Xp, Xp, true, false)), tf.matMul(Mt, Xp));
  return [tf.sub(X, tf.mul(GX, p.lr)), tf.sub(Y, tf.mul(GY, p.lr))];
};

const candidates: [string, StepFn][] = [
  ['4nmr, no transposed matMul', noFlags],
  ['4nmr, Grams on transpose flags, Mᵀ kept', gramFlags],
  ['4nmr, transpose flags', flags4],
  ['idiomatic', idiomatic],
];

/** Try each formulation briefly (warm-up, then ≥ trialSec or 2 steps) and keep the fastest. */
async function fastestStepper(p: Problem, trialSec: number): Promise<Runner> {
  let best: { name: string; f: StepFn; t: number } | undefined;
  for (const [name, f] of candidates) {
    const run = await tfStepper(p, f);
    try {
      run.step(2);
      let steps = 0;
      const t0 = performance.now() / 1000;
      let dt = 0;
      while (dt < trialSec || steps < 2) {
        run.step(1);
        steps++;
        dt = performance.now() / 1000 - t0;
      }
      const t = dt / steps;
      if (!best || t < best.t) best = { name, f, t };
    } finally {
      run.dispose();
    }
  }
  const run = await tfStepper(p, best!.f);
  return { ...run, note: `picked: ${best!.name}` };
}

async function tfStepper(p: Problem, f: StepFn): Promise<Runner> {
  const { tf } = await loadTf();
  const { n, m, r } = p;
  const M = tf.tensor2d(Float32Array.from(p.M), [n, m]);
  const Mt = tf.transpose(M);
  const s = {
    M, Mt,
    X: tf.tensor2d(Float32Array.from(p.theta.subarray(0, n * r)), [n, r]),
    Y: tf.tensor2d(Float32Array.from(p.theta.subarray(n * r)), [m, r]),
  };
  return {
    step(k) {
      for (let i = 0; i < k; i++) {
        const [X, Y] = tf.tidy(() => f(tf, s, p));
        s.X.dispose();
        s.Y.dispose();
        s.X = X;
        s.Y = Y;
      }
      s.X.dataSync(); // the wasm backend is synchronous; this just makes the end of the work explicit
    },
    read() {
      const out = new Float64Array((n + m) * r);
      out.set(s.X.dataSync(), 0);
      out.set(s.Y.dataSync(), n * r);
      return out;
    },
    dispose: () => tf.dispose([s.M, s.Mt, s.X, s.Y]),
  };
}

function tfImpl(name: string, make: (p: Problem) => Promise<Runner>): Impl {
  return { name, precision: 'f32', group: 'peer', unavailable: tfjsUnavailable, make };
}

/** trialSec: how long each candidate formulation of the fastest row is tried. */
export function tfjsImpls(trialSec: number): Impl[] {
  return [
    tfImpl('tfjs-wasm idiomatic (R = XpYpᵀ−M, transpose flags)', (p) => tfStepper(p, idiomatic)),
    tfImpl('tfjs-wasm 4nmr algebra, transpose flags', (p) => tfStepper(p, flags4)),
    tfImpl('tfjs-wasm fastest formulation', (p) => fastestStepper(p, trialSec)),
  ];
}
