// Starts the Bolna emulator and prints `BOLNA_EMULATOR_URL=http://127.0.0.1:PORT` (one line) on stdout.
// See USAGE below and README.md. Runs until SIGINT/SIGTERM, then closes the server and every open connection.

import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { BolnaEmulator } from './bolna-emulator.ts'
import type { EmulatorOptions, SeedRecord, TrunkSettings } from './bolna-emulator.ts'

const USAGE = `usage: node test/emulator/cli.ts [options]
  --port N                       listen port (default: a free one)
  --key KEY                      API key (default test-key)
  --trunk ID                     a legacy /sip-trunks trunk (repeatable; default trunk-1 unless --new-trunk)
  --new-trunk ID                 a /trunk trunk (repeatable)
  --agent ID                     an agent (repeatable)
  --seed FILE                    JSON {trunks:[{id, api?, numbers:[{phone_number|e164, name?, agent_id?, destination_key?}]}], agents:[{id, provider?}]}
  --number TRUNK=NUMBER          a number on TRUNK, visible at once (repeatable; an unknown TRUNK is a new legacy trunk)
  --lag-ms N                     list lag of new records (default 0)
  --latency-ms N                 delay before every answer (default 0)
  --rate-limit N                 requests per minute (default 0 = off)
  --agent-rate-limit N           requests per minute to /v2/agent/{id} (default 0 = off)
  --rate-limit-retry-after true|false   Retry-After on rate-limit 429s (default true)
  --duplicates accept|reject
  --other-trunk-conflict 409|422
  --trunk-add-status 201|200
  --soft-deleted included|omitted
  --list-shape bare|envelope
  --legacy-agent-id present|absent
  --trunk-number-agent-id present|absent
  --trunk-number-destination-key present|absent
  --legacy-trunk-numbers included|omitted|null
  --trunk-numbers-key numbers|phone_numbers
  --legacy-name present|absent|null
  --legacy-add-id-key id|phone_number_id
  --trunk-provider accepted|refused
  --not-found-bodies legacy|generic
  --forbidden bad-key|not-authorised
  --forbidden-trunk ID           answer 403 "Not authorised" for this trunk (repeatable)
  --compression none|gzip|deflate|br
  --log                          one line per request on stderr: METHOD path -> status
  -h, --help`

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`)
  process.exit(2)
}

function count(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value)) fail(`--${flag} must be a whole number >= 0, got '${value}'`)
  return Number(value)
}

function choice<T extends string>(flag: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined
  if (!(allowed as readonly string[]).includes(value)) fail(`--${flag} must be ${allowed.map(a => `'${a}'`).join(' or ')}, got '${value}'`)
  return value as T
}

function parseFlags(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        key: { type: 'string' },
        trunk: { type: 'string', multiple: true },
        'new-trunk': { type: 'string', multiple: true },
        agent: { type: 'string', multiple: true },
        seed: { type: 'string' },
        number: { type: 'string', multiple: true },
        'lag-ms': { type: 'string' },
        'latency-ms': { type: 'string' },
        'rate-limit': { type: 'string' },
        'agent-rate-limit': { type: 'string' },
        'rate-limit-retry-after': { type: 'string' },
        duplicates: { type: 'string' },
        'other-trunk-conflict': { type: 'string' },
        'trunk-add-status': { type: 'string' },
        'soft-deleted': { type: 'string' },
        'list-shape': { type: 'string' },
        'legacy-agent-id': { type: 'string' },
        'trunk-number-agent-id': { type: 'string' },
        'trunk-number-destination-key': { type: 'string' },
        'legacy-trunk-numbers': { type: 'string' },
        'trunk-numbers-key': { type: 'string' },
        'legacy-name': { type: 'string' },
        'legacy-add-id-key': { type: 'string' },
        'trunk-provider': { type: 'string' },
        'not-found-bodies': { type: 'string' },
        forbidden: { type: 'string' },
        'forbidden-trunk': { type: 'string', multiple: true },
        compression: { type: 'string' },
        log: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' }
      }
    }).values
  } catch (err) {
    fail((err as Error).message)
  }
}

type Flags = ReturnType<typeof parseFlags>

function parseOptions(values: Flags): EmulatorOptions {
  const retryAfter = choice('rate-limit-retry-after', values['rate-limit-retry-after'], ['true', 'false'])
  const addStatus = choice('trunk-add-status', values['trunk-add-status'], ['201', '200'])
  return {
    port: count('port', values.port),
    apiKey: values.key,
    trunks: values.trunk,
    newTrunks: values['new-trunk'],
    agents: values.agent,
    listLagMs: count('lag-ms', values['lag-ms']),
    latencyMs: count('latency-ms', values['latency-ms']),
    rateLimitPerMinute: count('rate-limit', values['rate-limit']),
    agentRateLimitPerMinute: count('agent-rate-limit', values['agent-rate-limit']),
    rateLimitRetryAfter: retryAfter === undefined ? undefined : retryAfter === 'true',
    duplicates: choice('duplicates', values.duplicates, ['accept', 'reject']),
    otherTrunkConflict: choice('other-trunk-conflict', values['other-trunk-conflict'], ['409', '422']),
    trunkAddStatus: addStatus === undefined ? undefined : addStatus === '201' ? 201 : 200,
    softDeleted: choice('soft-deleted', values['soft-deleted'], ['included', 'omitted']),
    listShape: choice('list-shape', values['list-shape'], ['bare', 'envelope']),
    legacyAgentId: choice('legacy-agent-id', values['legacy-agent-id'], ['present', 'absent']),
    trunkNumberAgentId: choice('trunk-number-agent-id', values['trunk-number-agent-id'], ['present', 'absent']),
    trunkNumberDestinationKey: choice('trunk-number-destination-key', values['trunk-number-destination-key'], ['present', 'absent']),
    legacyTrunkNumbers: choice('legacy-trunk-numbers', values['legacy-trunk-numbers'], ['included', 'omitted', 'null']),
    trunkNumbersKey: choice('trunk-numbers-key', values['trunk-numbers-key'], ['numbers', 'phone_numbers']),
    legacyName: choice('legacy-name', values['legacy-name'], ['present', 'absent', 'null']),
    legacyAddIdKey: choice('legacy-add-id-key', values['legacy-add-id-key'], ['id', 'phone_number_id']),
    trunkProvider: choice('trunk-provider', values['trunk-provider'], ['accepted', 'refused']),
    notFoundBodies: choice('not-found-bodies', values['not-found-bodies'], ['legacy', 'generic']),
    forbidden: choice('forbidden', values.forbidden, ['bad-key', 'not-authorised']),
    forbiddenTrunks: values['forbidden-trunk'],
    compression: choice('compression', values.compression, ['none', 'gzip', 'deflate', 'br']),
    onRequest: values.log === true ? entry => process.stderr.write(`${entry.method} ${entry.path} -> ${entry.status}\n`) : undefined
  }
}

/** Drops undefined values so the emulator's own defaults apply. */
function defined(opts: EmulatorOptions): EmulatorOptions {
  return Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as EmulatorOptions
}

interface SeedFile {
  trunks?: Array<TrunkSettings & { id: string; numbers?: SeedRecord[] }>
  agents?: Array<{ id: string; provider?: string; name?: string }>
}

function readSeedFile(file: string): SeedFile {
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    fail(`--seed ${file}: ${(err as Error).message}`)
  }
  const isList = (v: unknown): v is Array<Record<string, unknown>> =>
    Array.isArray(v) && v.every(x => typeof x === 'object' && x !== null && typeof (x as { id?: unknown }).id === 'string')
  const seed = parsed as Record<string, unknown>
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) fail(`--seed ${file}: expected a JSON object`)
  if (seed.trunks !== undefined && !isList(seed.trunks)) fail(`--seed ${file}: trunks must be a list of objects with an id`)
  if (seed.agents !== undefined && !isList(seed.agents)) fail(`--seed ${file}: agents must be a list of objects with an id`)
  return parsed as SeedFile
}

function seedState(emulator: BolnaEmulator, values: Flags): void {
  if (values.seed !== undefined) {
    const file = readSeedFile(values.seed)
    for (const { id, ...settings } of file.agents ?? []) emulator.addAgent(id, settings)
    for (const { id, numbers, ...settings } of file.trunks ?? []) {
      emulator.addTrunk(id, settings)
      for (const n of numbers ?? []) emulator.seed(id, n)
    }
  }
  for (const spec of values.number ?? []) {
    const at = spec.lastIndexOf('=')
    if (at <= 0 || at === spec.length - 1) fail(`--number must be TRUNK=NUMBER, got '${spec}'`)
    emulator.seed(spec.slice(0, at), { phone_number: spec.slice(at + 1) })
  }
}

const values = parseFlags(process.argv.slice(2))
if (values.help === true) {
  process.stdout.write(`${USAGE}\n`)
  process.exit(0)
}
let emulator: BolnaEmulator
try {
  emulator = new BolnaEmulator(defined(parseOptions(values)))
  seedState(emulator, values)
} catch (err) {
  fail((err as Error).message)
}
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
