import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // src/ is built once per run, and the end-to-end tests run that build (not the committed dist/).
    globalSetup: ['test/setup/build.ts'],
    // Logs, and the workflow commands @actions/core prints (::add-mask::…), only for tests that fail.
    silent: 'passed-only',
    setupFiles: ['test/setup/quiet-commands.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: end-to-end tests spawn the built action, so keep workers few.
    maxWorkers: 2
  }
})
