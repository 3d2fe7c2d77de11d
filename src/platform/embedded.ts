// Zero configuration: both builds travel inside the JavaScript (esbuild's binary loader, see
// package.json build:embedded), so no bundler or server needs to know about .wasm files. (Workers
// need a script file of their own, so this entry has none: use the node or browser entry for them.)
import scalar from '../../build/flatmin-scalar.wasm';
import simd from '../../build/flatmin.wasm';
import { setPlatform } from './registry.js';

setPlatform({ wasmSource: (build) => (build === 'simd' ? simd : scalar) });
