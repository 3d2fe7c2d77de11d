/** The node entry of flatmin/experiments (package.json "exports"): registers the platform, as the main entry does. */
import '../platform/node.js';

export * from './index.js';
