import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // src/ is built once per run, and the end-to-end tests run that build (not the committed dist/).
    globalSetup: ['test/setup/build.ts'],
    // Logs (e.g. @actions/core's ::add-mask:: lines) are shown only for tests that fail.
    silent: 'passed-only',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: end-to-end tests spawn the built action, so keep workers few.
    maxWorkers: 2
  }
})
