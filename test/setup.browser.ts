// What the package's browser entry does: the Wasm core is fetched relative to the module.
import '../src/platform/browser.js';
