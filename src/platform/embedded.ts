// Zero configuration: both builds travel inside the JavaScript (esbuild's binary loader, see
// package.json build:embedded), so no bundler or server needs to know about .wasm files.
import scalar from '../../build/flatmin-scalar.wasm';
import simd from '../../build/flatmin.wasm';
import { setPlatform } from '../backends/wasm/loader.js';

setPlatform({ defaultSource: (build) => (build === 'simd' ? simd : scalar) });
