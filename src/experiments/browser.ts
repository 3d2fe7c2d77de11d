/** The browser entry of flatmin/experiments (package.json "exports"): registers the platform, as the main entry does. */
import '../platform/browser.js';

export * from './index.js';
