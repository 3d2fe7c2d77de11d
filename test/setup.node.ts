// What the package's node entry does: the Wasm core's default location is build/ beside the package.
import '../src/platform/node.js';
