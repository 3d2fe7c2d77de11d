// What esbuild's binary loader makes of an imported .wasm file (src/platform/embedded.ts).
declare module '*.wasm' {
  const bytes: Uint8Array;
  export default bytes;
}
