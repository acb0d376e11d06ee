// @ts-check
// Mutation testing with StrykerJS: `npm run mutate` (not part of CI; a whole run takes an hour or
// more on two cores). It changes the step (main.ts and the modes it runs), its inputs, the PR
// comment, planning, applying, verifying and the Bolna client one small edit at a time, and reruns
// the unit and property tests (vitest.mutate.config.ts) against each change; a change no test
// notices is a "survived" mutant, listed in the clear-text report and in reports/mutation/mutation.html.
// One file at a time: `npx stryker run --mutate src/inputs.ts`. Incremental: a re-run tests only
// the mutants whose code or tests changed since the last run (reports/stryker-incremental.json).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  // clock.ts holds pollUntil, the client's settle_seconds polling (and verifyApplied's). The step:
  // main.ts tells the story, single-mode.ts and file-mode.ts are what differs between the modes
  // (mode.ts is their interface: types only), verify.ts the check after an apply.
  mutate: [
    'src/plan*.ts',
    'src/apply*.ts',
    'src/bolna/**/*.ts',
    'src/clock.ts',
    'src/main.ts',
    'src/single-mode.ts',
    'src/file-mode.ts',
    'src/verify.ts',
    'src/inputs.ts',
    'src/pr-comment.ts'
  ],
  testRunner: 'vitest',
  vitest: {
    configFile: 'vitest.mutate.config.ts'
  },
  coverageAnalysis: 'perTest',
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  concurrency: 2,
  reporters: ['clear-text', 'progress', 'html'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  thresholds: { high: 85, low: 70, break: null },
  // The sandbox copy needs src/ and test/ only.
  ignorePatterns: ['dist', 'coverage', 'bench-results', 'reports'],
  tempDirName: '.stryker-tmp'
}
