/**
 * Every failure flatmin reports on purpose is a FlatminError: a stable `code` for programs, a
 * `path` naming the offending field (`optimizer.sigmaX`, `problem.target[2][5]`, a file name)
 * and a message that says what was expected.
 */
export type FlatminErrorCode =
  | 'BAD_JSON' // a config file is not valid JSON
  | 'IO' // a file could not be read or written
  | 'TYPE' // wrong JSON type (string where a number is expected, …)
  | 'MISSING' // a required field is absent
  | 'UNKNOWN_KEY' // a key flatmin does not know (message suggests the nearest valid one)
  | 'UNKNOWN_KIND' // a `kind` / backend / preset name flatmin does not know
  | 'NOT_FINITE' // NaN or ±Infinity where a finite number is required
  | 'OUT_OF_RANGE' // a number outside its allowed range (σ < 0, lr ≤ 0, rank < 1, …)
  | 'NOT_INTEGER' // a count that must be an integer is not
  | 'SHAPE' // matrix dimensions do not fit together
  | 'DIVERGED' // the run blew up; the result keeps the last finite state
  | 'USAGE' // command-line misuse
  | 'CORRUPT' // a checkpoint field does not match the hash written with it, or holds what flatmin never writes (NaN)
  | 'OUT_OF_MEMORY' // the WebAssembly heap (at most 4 GiB) cannot hold the buffers; nothing is leaked
  | 'DUPLICATE' // the same entry given twice (completion observations as lists)
  | 'CONFLICT' // two results for the same sweep run differ (src/sweep/merge.ts)
  | 'WASM' // the WebAssembly core could not be loaded
  | 'THREADS'; // a pool thread stopped with an error: the run it served cannot go on (src/backends/wasm/threads.ts)

/**
 * The machine-readable `details` of each code that carries some. Modules that throw a code with
 * details declare them here by augmentation, next to the throw (`declare module './errors.js'`),
 * so this file needs no import from above it: DIVERGED in run.ts, OUT_OF_MEMORY in
 * backends/wasm/loader.ts. Codes not listed carry an empty object.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface FlatminErrorDetailsByCode {}

/**
 * The details of code C: the declared fields for one code (FlatminErrorDetailsByCode; others
 * `{}`), each open to more keys — so on an unnarrowed `FlatminError` `e.details.result` is still
 * `unknown`, and `isFlatminError(e, 'DIVERGED')` gives the typed form.
 */
export type FlatminErrorDetails<C extends FlatminErrorCode = FlatminErrorCode> = {
  [K in FlatminErrorCode]: (K extends keyof FlatminErrorDetailsByCode ? FlatminErrorDetailsByCode[K] : {}) & Readonly<Record<string, unknown>>;
}[C];

export class FlatminError<C extends FlatminErrorCode = FlatminErrorCode> extends Error {
  override readonly name = 'FlatminError';
  readonly details: FlatminErrorDetails<C>;
  constructor(
    readonly code: C,
    readonly path: string,
    message: string,
    /** Extra machine-readable facts, typed per code (FlatminErrorDetailsByCode). */
    details?: FlatminErrorDetails<C>,
  ) {
    super(`${path}: ${message}`);
    this.details = details ?? ({} as FlatminErrorDetails<C>);
  }
  /** The message without the path prefix. */
  get reason(): string {
    return this.message.slice(this.path.length + 2);
  }
}

/**
 * Whether e is a FlatminError (of `code`, when given) — a type guard that also types `details`:
 * `if (isFlatminError(e, 'DIVERGED')) e.details.result` is a RunResult.
 */
export function isFlatminError<C extends FlatminErrorCode = FlatminErrorCode>(e: unknown, code?: C): e is FlatminError<C> {
  return e instanceof FlatminError && (code === undefined || e.code === code);
}
