import { FlatminError } from '../../errors.js';
import { poolWait } from '../../worker/thread.js';
import { currentPlatform } from '../../platform/registry.js';
import type { Build, WasmSource } from './source.js';

export type { Build, WasmSource } from './source.js';

/** The raw exports of build/flatmin.wasm (see assembly/index.ts). Pointers are byte offsets. */
export interface CoreExports {
  memory: WebAssembly.Memory;
  alloc(bytes: number): number;
  free(ptr: number): void;
  /** count f64 normals to out from the 16-word lane state at st (src/random/gaussian.ts). */
  fillGaussian(out: number, count: number, st: number): void;
  /** assembly/programs/step.ts: runs up to `steps` steps of the session described at S, returns how many were done. */
  stepRunF64(S: number, steps: number, lr: number, batch: number, kind: number): number;
  stepRunF32(S: number, steps: number, lr: number, batch: number, kind: number): number;
  /** W at θ by the step's forward pass; returns its byte pointer (in the session's scratch). */
  endToEndF64(S: number): number;
  endToEndF32(S: number): number;
  factorizationLossF64(n: number, m: number, r: number, M: number, theta: number): number;
  factorizationLossF32(n: number, m: number, r: number, M: number, theta: number): number;
  sumSquaresF64(ptr: number, len: number): number;
  sumSquaresF32(ptr: number, len: number): number;
  /** Fisher–Yates on len i32 at a, lane 0 of the state at st (src/random/permutation.ts). */
  shuffleI32(a: number, len: number, st: number): void;
  /** Threads build only (assembly/kernels/pool.ts): the job block, the threads and minimum work per product, shutdown. */
  poolInit?(block: number): void;
  poolThreads?(threads: number, minWork: number, canBlock: boolean, spinFirst: boolean): void;
  poolBlockBytes?(): number;
  poolShutdown?(): void;
  /** The id of a pool thread that stopped with an error, 0 if none has (assembly/kernels/pool.ts FAILED). */
  poolFailed?(): number;
  /** assembly/kernels/dlnHvp.ts: out = ∇²f(θ)·v for the deep model (src/diagnostics/dlnHvpWasm.ts marshals it). */
  dlnHvp(
    L: number, dims: number, theta: number, P: number, H: number, dP: number, dH: number, t: number, T: number,
    v: number, out: number, tl: number, hess: number, hw: number, hA: number, N: number, rv: number,
  ): void;
}


let core: Promise<CoreExports> | undefined;

// The smallest module using a SIMD instruction (i8x16.splat + i8x16.popcnt): validates only where
// the engine has Wasm SIMD (not, e.g., in iOS Lockdown mode).
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

export function simdSupported(): boolean {
  return WebAssembly.validate(SIMD_PROBE);
}


/** The build this engine can run: SIMD where it validates, the scalar fallback elsewhere. */
export function defaultSource(build: Build = simdSupported() ? 'simd' : 'scalar'): WasmSource {
  const platform = currentPlatform();
  if (!platform) {
    throw new FlatminError('WASM', 'wasm', 'no default location for the Wasm core: call init({ wasm }) with a URL, Response, bytes or WebAssembly.Module, or import flatmin through its package entry');
  }
  return platform.wasmSource(build);
}

/**
 * Load (once) and return the Wasm core. With no source it picks the SIMD build where the engine
 * supports it and the scalar build elsewhere, from the platform's default location.
 */
export function loadCore(source?: WasmSource): Promise<CoreExports> {
  if (source === undefined && core) return core;
  const p = instantiateCore(source ?? defaultSource());
  core = p;
  // A failed load must not stay cached — nor clear a good core that replaced it meanwhile.
  p.catch(() => {
    if (core === p) core = undefined;
  });
  return p;
}

/** The compiled module of the loaded core (to hand to a worker, which then compiles nothing). */
export function coreModule(): Promise<WebAssembly.Module> {
  return loadCore().then((c) => modules.get(c)!);
}

const modules = new WeakMap<CoreExports, WebAssembly.Module>();

/** The compiled module a core was instantiated from. */
export function moduleOf(core: CoreExports): WebAssembly.Module | undefined {
  return modules.get(core);
}

/**
 * A fresh, uncached instance (tests compare the SIMD and scalar builds side by side). `shared`:
 * the threads build's imported memory (src/backends/wasm/threads.ts).
 */
export async function instantiateCore(source: WasmSource, shared?: WebAssembly.Memory): Promise<CoreExports> {
  try {
    const module = await compile(source);
    let memory: WebAssembly.Memory | undefined;
    const imports = {
      env: {
        ...(shared ? { memory: shared, poolWait: poolWait(shared) } : {}),
        // AssemblyScript calls abort(message, file, line, column) with pointers to UTF-16 strings.
        abort(msg: number, file: number, line: number, col: number): never {
          const text = (ptr: number) => {
            const p = ptr >>> 0; // an i32 from Wasm: addresses past 2 GiB arrive negative
            if (!memory || p === 0) return '?';
            const len = new Uint32Array(memory.buffer, p - 4, 1)[0] >>> 1;
            return String.fromCharCode(...new Uint16Array(memory.buffer, p, len));
          };
          throw new FlatminError('WASM', 'wasm', `abort: ${text(msg)} at ${text(file)}:${line}:${col}`);
        },
      },
    };
    const instance = await WebAssembly.instantiate(module, imports);
    const raw = instance.exports as unknown as CoreExports & { _initialize?: () => void };
    memory = raw.memory;
    raw._initialize?.();
    const exports = withUnsignedPointers(raw);
    modules.set(exports, module);
    return exports;
  } catch (e) {
    if (e instanceof FlatminError) throw e;
    throw new FlatminError('WASM', 'wasm', `could not load the WebAssembly core: ${(e as Error).message}`);
  }
}

/**
 * Largest block the core's allocator hands out (AssemblyScript TLSF's BLOCK_MAXSIZE, 2³⁰ bytes
 * minus its 4-byte header): a bigger request would abort inside Wasm with "allocation too large".
 */
export const MAX_BLOCK_BYTES = 2 ** 30 - 4;

declare module '../../errors.js' {
  interface FlatminErrorDetailsByCode {
    /** The request that failed, the heap when it failed and the most the heap can grow to (bytes). */
    OUT_OF_MEMORY: { bytes: number; heapBytes: number; maxHeapBytes: number };
  }
}

/** Wasm memory is 32-bit: at most 65536 pages of 64 KiB (asconfig.json's maximumMemory). */
export const MAX_HEAP_BYTES = 2 ** 32;

/**
 * The raw exports with every pointer-returning function read unsigned and `alloc` failing as a
 * FlatminError. Wasm returns an i32, which JS sees signed: an address past 2 GiB would come back
 * negative and every typed-array view over it would throw a RangeError — so the upper half of the
 * 4 GiB heap was unusable. `>>> 0` reinterprets the same 32 bits as the unsigned address; passing
 * such a number back into Wasm converts it to the same i32 bits again (ToInt32 is modular).
 */
function withUnsignedPointers(raw: CoreExports): CoreExports {
  const { alloc, endToEndF64, endToEndF32 } = raw;
  return {
    ...raw,
    alloc(bytes: number): number {
      const heapBytes = raw.memory.buffer.byteLength;
      const fail = (why: string) =>
        new FlatminError('OUT_OF_MEMORY', 'wasm', `cannot allocate ${formatBytes(bytes)} in the WebAssembly heap (${why})`, {
          bytes,
          heapBytes,
          maxHeapBytes: MAX_HEAP_BYTES,
        });
      if (!(bytes >= 0 && bytes <= MAX_BLOCK_BYTES)) throw fail(`one buffer can hold at most ${formatBytes(MAX_BLOCK_BYTES)}`);
      let p: number;
      try {
        p = alloc(bytes);
      } catch (e) {
        // The allocator traps (unreachable) only when memory.grow fails, before it changes any of
        // its own state: the heap stays consistent and what is freed later can be reused.
        if (e instanceof FlatminError) throw e;
        throw fail(`memory.grow failed at ${formatBytes(heapBytes)} of at most ${formatBytes(MAX_HEAP_BYTES)}: ${(e as Error).message}`);
      }
      return p >>> 0;
    },
    endToEndF64: (S: number): number => endToEndF64(S) >>> 0,
    endToEndF32: (S: number): number => endToEndF32(S) >>> 0,
  };
}

function formatBytes(b: number): string {
  if (b >= 2 ** 30) return `${(b / 2 ** 30).toFixed(2)} GiB`;
  if (b >= 2 ** 20) return `${(b / 2 ** 20).toFixed(1)} MiB`;
  return `${b} bytes`;
}

async function compile(source: WasmSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  // Bytes and URLs are told apart before the global `Response` is named: in Node 20 its first
  // touch loads the fetch implementation (undici), 12 MB of resident memory that a run reading its
  // core from a file or from bytes never uses.
  if (ArrayBuffer.isView(source) || source instanceof ArrayBuffer) return WebAssembly.compile(source);
  if (typeof source === 'string' || source instanceof URL) {
    const url = new URL(source, typeof location !== 'undefined' ? location.href : import.meta.url);
    if (url.protocol === 'file:') {
      const platform = currentPlatform();
      if (!platform?.readFile) throw new Error(`cannot read ${url.href} here; pass the bytes instead`);
      return WebAssembly.compile(await platform.readFile(url));
    }
    return compileResponse(await fetch(url));
  }
  if (typeof Response !== 'undefined' && source instanceof Response) return compileResponse(source);
  return WebAssembly.compile(source as unknown as BufferSource); // a SharedArrayBuffer
}

/** Streaming compile where the server sends application/wasm; the bytes otherwise. */
async function compileResponse(r: Response): Promise<WebAssembly.Module> {
  if (!r.ok) throw new Error(`${r.url || 'the response'}: HTTP ${r.status}`);
  const type = r.headers.get('content-type')?.split(';')[0].trim();
  if (typeof WebAssembly.compileStreaming === 'function' && type === 'application/wasm') {
    return WebAssembly.compileStreaming(r);
  }
  return WebAssembly.compile(await r.arrayBuffer());
}
