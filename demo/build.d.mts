// Types for demo/build.mjs (imported by test/demo/demo.e2e.test.ts).
export declare const defaultOutDir: string;

/** Bundle the demo into `outDir` (default demo/dist); resolves to the output directory. */
export declare function buildDemo(options?: { outDir?: string; minify?: boolean }): Promise<string>;
