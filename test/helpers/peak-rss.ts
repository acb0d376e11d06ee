/**
 * The peak RSS of the action's own process (not the test runner's): the run's environment preloads
 * scripts/bench/usage.mjs, the same preload `npm run bench` measures with, which writes the process's
 * resource usage when it exits.
 */
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const preload = pathToFileURL(resolve(import.meta.dirname, '../../scripts/bench/usage.mjs')).href

export interface Measured {
  /** Environment for the run: the preload, and where it writes. */
  env: Record<string, string>
  /** The run's peak RSS in bytes, once it has exited. */
  peakRss(): Promise<number>
}

export async function measured(): Promise<Measured> {
  const file = join(await mkdtemp(join(tmpdir(), 'bolna-rss-')), 'usage.json')
  return {
    env: { NODE_OPTIONS: `--import=${preload}`, BENCH_USAGE_FILE: file },
    async peakRss() {
      const { maxRssKb } = JSON.parse(await readFile(file, 'utf8')) as { maxRssKb: number }
      return maxRssKb * 1024
    }
  }
}

/** 1 MB, as the issue counts (10^6 bytes). */
export const MB = 1_000_000
