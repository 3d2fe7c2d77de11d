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
  | 'WASM'; // the WebAssembly core could not be loaded

export class FlatminError extends Error {
  override readonly name = 'FlatminError';
  constructor(
    readonly code: FlatminErrorCode,
    readonly path: string,
    message: string,
    /** Extra machine-readable facts (for DIVERGED: step, suggestedLr, partial result). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(`${path}: ${message}`);
  }
  /** The message without the path prefix. */
  get reason(): string {
    return this.message.slice(this.path.length + 2);
  }
}
