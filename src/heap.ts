/**
 * V8's heap, fitted to a run that holds a large numbers file or trunk. An action cannot pass V8 flags
 * on the command line; these two take effect when set at run time. Only file mode needs them, so the
 * single-number path does not load node:v8 (about 4 ms of a cold start).
 * - The young generation stays at its starting size: V8 doubles it each time enough objects survive
 *   it, and a numbers file of 20,000 entries keeps that many alive (it grew to 128 MiB while the old
 *   generation held 30 MiB). Measured on that file (npm run bench -- --only memory-20k): peak RSS
 *   271 MiB -> 173 MiB, action CPU unchanged.
 * - The old generation may grow by 20% between full collections, not by V8's usual factor (up to 4×
 *   for a young heap): reading a 50,000-number trunk leaves tens of MiB of garbage (its answer's text
 *   and parsed JSON) that would otherwise stay in RSS until the end of the run. Measured on that trunk
 *   (npm run bench -- --only large-trunk): peak RSS about 265 MiB -> 232 MiB, action CPU about +15%.
 */
export async function fitHeapToLargeRuns(): Promise<void> {
  const { setFlagsFromString } = await import('node:v8')
  setFlagsFromString('--semi-space-growth-factor=1')
  setFlagsFromString('--heap-growing-percent=20')
}
