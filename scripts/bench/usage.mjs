// Preloaded with `node --import` into every process `npm run bench` times (the action and its
// references alike, so the small cost of the preload falls on both sides). At exit it writes the
// process's own resource usage to the file named by BENCH_USAGE_FILE, as JSON:
//   { "maxRssKb": peak resident set size (KiB), "cpuMs": user + system CPU time (ms) }
import { writeFileSync } from 'node:fs'

const file = process.env.BENCH_USAGE_FILE
if (file) {
  process.on('exit', () => {
    try {
      const usage = process.resourceUsage()
      writeFileSync(file, JSON.stringify({ maxRssKb: usage.maxRSS, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 }))
    } catch {
      // A measuring aid must never change the exit of the process it measures.
    }
  })
}
