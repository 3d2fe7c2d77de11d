import type { CoreExports } from './loader.js';

type ViewCtor = Float64ArrayConstructor | Float32ArrayConstructor | Int32ArrayConstructor;

/**
 * A typed region of Wasm memory owned by JS. Views are rebuilt on every access because
 * `memory.grow` detaches the old ArrayBuffer (a stale view silently reads as length 0).
 */
export class WasmArray<C extends ViewCtor> {
  readonly ptr: number;
  constructor(private readonly core: CoreExports, private readonly ctor: C, readonly length: number) {
    this.ptr = core.alloc(Math.max(1, length) * ctor.BYTES_PER_ELEMENT);
  }
  view(): InstanceType<C> {
    return new this.ctor(this.core.memory.buffer, this.ptr, this.length) as InstanceType<C>;
  }
}

/**
 * Allocates buffers and frees all of them at once. If one allocation fails (the heap is full: a
 * FlatminError 'OUT_OF_MEMORY' from the loader), the arena first frees everything it already
 * holds, so a session that could not be created leaks nothing and the heap stays reusable.
 */
export class Arena {
  private readonly ptrs: number[] = [];
  constructor(readonly core: CoreExports) {}
  alloc<C extends ViewCtor>(ctor: C, length: number): WasmArray<C> {
    let b: WasmArray<C>;
    try {
      b = new WasmArray(this.core, ctor, length);
    } catch (e) {
      this.freeAll();
      throw e;
    }
    this.ptrs.push(b.ptr);
    return b;
  }
  freeAll(): void {
    for (const p of this.ptrs.splice(0)) this.core.free(p);
  }
}
