/** The browser entry of the package (package.json "exports"): the public API with the core's default location set. */
import './platform/browser.js';

export * from './index.js';
