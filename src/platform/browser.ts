// Browsers: the core is fetched relative to this module. The `new URL('…', import.meta.url)`
// literals are the form bundlers (Vite, webpack 5, Parcel) recognise and copy as assets.
import { setPlatform } from '../backends/wasm/loader.js';

setPlatform({
  defaultSource: (build) => (build === 'simd'
    ? new URL('../../build/flatmin.wasm', import.meta.url)
    : new URL('../../build/flatmin-scalar.wasm', import.meta.url)),
});
