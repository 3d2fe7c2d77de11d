// Node (and Bun, Deno with file access): the core is read from build/ beside the package.
import { readFile } from 'node:fs/promises';
import { setPlatform } from '../backends/wasm/loader.js';

setPlatform({
  defaultSource: (build) => new URL(build === 'simd' ? '../../build/flatmin.wasm' : '../../build/flatmin-scalar.wasm', import.meta.url),
  readFile: async (url) => new Uint8Array(await readFile(url)) as Uint8Array<ArrayBuffer>,
});
