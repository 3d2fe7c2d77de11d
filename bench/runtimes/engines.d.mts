// Types for engines.mjs (plain ESM so `node bench/runtimes/main.mjs` runs it without a build step).

export type EngineName = 'node' | 'chromium' | 'firefox' | 'bun' | 'deno';

export const ROOT: string;
export const ENGINE_NAMES: readonly EngineName[];
export const ENGINE_FAMILY: Record<EngineName, string>;
export const CHROMIUM_ARGS: readonly string[];

export function median(xs: readonly number[]): number;
export function flagValue(name: string, argv?: readonly string[]): string | undefined;

export interface EngineInfo {
  /** e.g. "20.20.2", "150.0.7871.100", "140.12.0esr". */
  version: string;
  /** e.g. "V8 11.3.244.8", "JavaScriptCore". */
  detail?: string;
  userAgent?: string;
  crossOriginIsolated?: boolean;
}

export type EngineResult =
  | { name: EngineName; ok: true; engine: EngineInfo; value: unknown; seconds: number }
  | {
    name: EngineName;
    ok: false;
    /** 'start': the engine never answered (missing, crashed, timed out); 'run': main() threw. */
    phase: 'start' | 'run';
    reason: string;
    engine?: EngineInfo;
    seconds: number;
  };

export interface RunEngineOptions {
  /** A self-contained ES module exporting main(args, log) (see bundle()). */
  module: string;
  args?: unknown;
  timeoutMs?: number;
  onLog?: (line: string) => void;
  /**
   * Engine options, for experiments: node argv / deno --v8-flags / chromium --js-flags (V8 flags),
   * bun `name=value` JavaScriptCore options (BUN_JSC_name), firefox `name=value` prefs.
   */
  flags?: readonly string[];
}

export function bundle(entry: string, options?: { minify?: boolean }): Promise<{ file: string; cleanup: () => void }>;
export function runEngine(name: EngineName, options: RunEngineOptions): Promise<EngineResult>;
export function engineLabel(r: EngineResult): string;

export interface OpenedEngine {
  name: EngineName;
  ok: true;
  engine: EngineInfo;
  /** What the module's open() resolved as `ready`. */
  ready: unknown;
  seconds: number;
  /** Run the module's handle(msg) in the engine; resolves its answer. */
  call(msg: unknown): Promise<unknown>;
  /** CPU seconds so far of every thread of the engine's processes, by "pid/tid" (Linux; empty elsewhere). */
  cpuThreads(): Map<string, number>;
  close(): Promise<void>;
}

/** Start an engine on the bundled module's open(args, log) and keep it running (see engines.mjs). */
export function openEngine(name: EngineName, options: RunEngineOptions): Promise<OpenedEngine | Extract<EngineResult, { ok: false }>>;
/** Between two cpuThreads() snapshots: the busiest thread's CPU seconds, and all threads'. */
export function cpuDelta(before: Map<string, number>, after: Map<string, number>): { busiest: number; total: number };
