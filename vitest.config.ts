import { defineConfig } from 'vitest/config';

// Node runs every test. (The Chromium project for the core suite is added with the browser work.)
export default defineConfig({
  test: {
    setupFiles: ['test/setup.node.ts'],
  },
});
