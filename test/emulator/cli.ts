// Starts the Bolna emulator and prints `BOLNA_EMULATOR_URL=http://127.0.0.1:PORT` (one line) on stdout.
//   node test/emulator/cli.ts [--port N] [--trunk ID]... [--agent ID]... [--key KEY]
//        [--lag-ms N] [--latency-ms N] [--rate-limit N] [--duplicates accept|reject]
// Runs until SIGINT/SIGTERM, then closes the server and every open connection.

import { parseArgs } from 'node:util'
import { BolnaEmulator } from './bolna-emulator.ts'
import type { EmulatorOptions } from './bolna-emulator.ts'

const USAGE =
  'usage: node test/emulator/cli.ts [--port N] [--trunk ID]... [--agent ID]... [--key KEY] ' +
  '[--lag-ms N] [--latency-ms N] [--rate-limit N] [--duplicates accept|reject]'

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`)
  process.exit(2)
}

function count(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value)) fail(`--${flag} must be a whole number >= 0, got '${value}'`)
  return Number(value)
}

function parseFlags(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        trunk: { type: 'string', multiple: true },
        agent: { type: 'string', multiple: true },
        key: { type: 'string' },
        'lag-ms': { type: 'string' },
        'latency-ms': { type: 'string' },
        'rate-limit': { type: 'string' },
        duplicates: { type: 'string' },
        help: { type: 'boolean', short: 'h' }
      }
    }).values
  } catch (err) {
    fail((err as Error).message)
  }
}

function parseOptions(argv: string[]): EmulatorOptions {
  const values = parseFlags(argv)
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`)
    process.exit(0)
  }
  const duplicates = values.duplicates
  if (duplicates !== undefined && duplicates !== 'accept' && duplicates !== 'reject') {
    fail(`--duplicates must be 'accept' or 'reject', got '${duplicates}'`)
  }
  return {
    port: count('port', values.port),
    trunks: values.trunk,
    agents: values.agent,
    apiKey: values.key,
    listLagMs: count('lag-ms', values['lag-ms']),
    latencyMs: count('latency-ms', values['latency-ms']),
    rateLimitPerMinute: count('rate-limit', values['rate-limit']),
    duplicates
  }
}

/** Drops undefined values so the emulator's own defaults apply. */
function defined(opts: EmulatorOptions): EmulatorOptions {
  return Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as EmulatorOptions
}

const emulator = new BolnaEmulator(defined(parseOptions(process.argv.slice(2))))
const url = await emulator.start()
process.stdout.write(`BOLNA_EMULATOR_URL=${url}\n`)

let stopping = false
async function shutdown(): Promise<void> {
  if (stopping) process.exit(1) // a second signal while closing: give up waiting
  stopping = true
  await emulator.stop()
  process.exit(0)
}
process.on('SIGINT', () => void shutdown())
process.on('SIGTERM', () => void shutdown())
