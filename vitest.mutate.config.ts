// The tests StrykerJS runs against each mutant (`npm run mutate`, see stryker.config.mjs): the unit
// and property tests, which call src/ directly. The end-to-end, chaos and fuzz tests run dist/ or
// take seconds each, so they are left out to keep a mutation run short; `npm test` runs them all.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/properties/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
