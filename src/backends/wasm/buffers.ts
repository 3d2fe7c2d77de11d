import type { CoreExports } from './loader.js';

/**
 * A typed region of Wasm memory owned by JS. Views are rebuilt on every access because
 * `memory.grow` detaches the old ArrayBuffer (a stale view silently reads as length 0).
 */
export class WasmF64 {
  readonly ptr: number;
  constructor(private readonly core: CoreExports, readonly length: number) {
    this.ptr = core.alloc(Math.max(1, length) * 8);
  }
  view(): Float64Array {
    return new Float64Array(this.core.memory.buffer, this.ptr, this.length);
  }
}

export class WasmI32 {
  readonly ptr: number;
  constructor(private readonly core: CoreExports, readonly length: number) {
    this.ptr = core.alloc(Math.max(1, length) * 4);
  }
  view(): Int32Array {
    return new Int32Array(this.core.memory.buffer, this.ptr, this.length);
  }
}

/** Allocates buffers and frees all of them at once. */
export class Arena {
  private readonly ptrs: number[] = [];
  constructor(readonly core: CoreExports) {}
  f64(length: number): WasmF64 {
    const b = new WasmF64(this.core, length);
    this.ptrs.push(b.ptr);
    return b;
  }
  i32(length: number): WasmI32 {
    const b = new WasmI32(this.core, length);
    this.ptrs.push(b.ptr);
    return b;
  }
  freeAll(): void {
    for (const p of this.ptrs.splice(0)) this.core.free(p);
  }
}
