// @ts-check
// Mutation testing with StrykerJS: `npm run mutate` (not part of CI; a run takes minutes).
// It changes the planning, applying and Bolna client code one small edit at a time and reruns the
// unit and property tests (vitest.mutate.config.ts) against each change; a change no test notices
// is a "survived" mutant, listed in the clear-text report and in reports/mutation/mutation.html.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  // clock.ts holds pollUntil, the client's settle_seconds polling (and verifyApplied's).
  mutate: ['src/plan*.ts', 'src/apply*.ts', 'src/bolna/**/*.ts', 'src/clock.ts'],
  testRunner: 'vitest',
  vitest: {
    configFile: 'vitest.mutate.config.ts'
  },
  coverageAnalysis: 'perTest',
  concurrency: 2,
  reporters: ['clear-text', 'progress', 'html'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  thresholds: { high: 85, low: 70, break: null },
  // The sandbox copy needs src/ and test/ only.
  ignorePatterns: ['dist', 'coverage', 'bench-results', 'reports'],
  tempDirName: '.stryker-tmp'
}
