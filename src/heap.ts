/**
 * V8 doubles the young generation each time enough objects survive it, up to a cap sized from the
 * host's memory, and a numbers file of 20,000 entries keeps that many alive: it grew to 128 MiB while
 * the old generation held 30 MiB. An action cannot pass --max-semi-space-size (set at run time, it
 * has no effect); this keeps the young generation at its starting size. Measured on that file (npm run
 * bench -- --only memory-20k): peak RSS 271 MiB -> 173 MiB, action CPU unchanged. Only file mode
 * needs it, so the single-number path does not load node:v8 (about 4 ms of a cold start).
 */
export async function boundYoungGeneration(): Promise<void> {
  const { setFlagsFromString } = await import('node:v8')
  setFlagsFromString('--semi-space-growth-factor=1')
}
