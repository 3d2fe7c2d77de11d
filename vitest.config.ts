import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

// Two projects: every test in Node, and the core suite (PRNG known answers, deterministic math,
// Gaussian streams, backend bit-equality) again in real Chromium — Debian's, since test tools'
// own browser downloads are not available here.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          include: ['test/**/*.test.ts'],
          // Whole runs on 2 shared cores: a 5 s default fails on load, not on a bug. A hang still fails.
          testTimeout: 30_000,
          setupFiles: ['test/setup.node.ts'],
        },
      },
      {
        // Cross-origin isolated pages (COOP + COEP), so SharedArrayBuffer and the Wasm threads
        // tests (test/backends/threads.test.ts) run in Chromium too.
        server: { headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } },
        test: {
          name: 'chromium',
          testTimeout: 30_000,
          include: ['test/random/**/*.test.ts', 'test/math/**/*.test.ts', 'test/backends/**/*.test.ts'],
          setupFiles: ['test/setup.browser.ts'],
          browser: {
            enabled: true,
            headless: true,
            provider: playwright({
              launchOptions: {
                executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
                args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'],
              },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
