/** The node entry of the package (package.json "exports"): the public API with the core's default location set. */
import './platform/node.js';

export * from './index.js';
