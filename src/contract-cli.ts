import { parseArgs } from 'node:util'
import { HttpClient } from './bolna/http.js'
import { TRUNK_API_NAMES } from './bolna/port.js'
import type { TrunkApi } from './bolna/port.js'
import { realClock } from './clock.js'
import type { Clock } from './clock.js'
import { checkApi, checkText, masked } from './contract.js'
import { probeWrites } from './contract-probe.js'
import { parsePhoneNumber } from './phone.js'
import { Secrets } from './secrets.js'
import { messageOf } from './text.js'

export const CONTRACT_USAGE = `usage: BOLNA_API_KEY=… npm run contract -- --trunk ID [options]

Reads what the action reads from Bolna (the trunk list, the trunk, one agent) and checks each
answer against the schemas the action parses with. Read-only unless --write.

  --trunk ID              the trunk to read (repeatable; default $BOLNA_TRUNK_ID)
  --api sip-trunks|trunk  its API family (default $BOLNA_TRUNK_API, else sip-trunks)
  --agent ID              also read this agent (GET /v2/agent/{id})
  --base-url URL          the API (default $BOLNA_API_BASE_URL, else https://api.bolna.ai;
                          http only on loopback, e.g. the emulator: npm run emulator)
  --write                 also run the write probe on a sandbox trunk: add --number, read it
                          back, remove it. Needs --trunk (one) and --number on the command line
  --number +E164          the test number the write probe adds and removes
  --settle SECONDS        how long the probe waits for the list (default 30)
  -h, --help

The key is read from BOLNA_API_KEY only. Exit 0: no field the action relies on differs;
1: a field the action relies on is missing or of another type; 2: bad usage, or a read or the
probe failed.`

export interface CliIo {
  out: (text: string) => void
  err: (text: string) => void
  clock?: Clock
}

/** `npm run contract`: the exit code. */
export async function contractCli(argv: readonly string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  let values: ReturnType<typeof parse>
  try {
    values = parse(argv)
  } catch (error) {
    io.err(`${messageOf(error)}\n${CONTRACT_USAGE}\n`)
    return 2
  }
  if (values.help) {
    io.out(`${CONTRACT_USAGE}\n`)
    return 0
  }
  const usage = (message: string) => {
    io.err(`${message}\n${CONTRACT_USAGE}\n`)
    return 2
  }
  const token = (env.BOLNA_API_KEY ?? '').trim()
  if (!token) return usage('No key: set BOLNA_API_KEY (the key is never taken from the command line).')
  const secrets = new Secrets([token])
  const api = values.api ?? env.BOLNA_TRUNK_API ?? 'sip-trunks'
  if (!(TRUNK_API_NAMES as readonly string[]).includes(api)) return usage(`--api must be sip-trunks or trunk, got ${JSON.stringify(api)}.`)
  const trunkIds = values.trunk ?? (env.BOLNA_TRUNK_ID ? [env.BOLNA_TRUNK_ID] : [])
  if (trunkIds.length === 0) return usage('No trunk: pass --trunk ID (or set BOLNA_TRUNK_ID).')
  const baseUrl = apiUrl(values['base-url'] ?? env.BOLNA_API_BASE_URL ?? 'https://api.bolna.ai')
  if (typeof baseUrl === 'string') return usage(baseUrl)
  let e164: string | undefined
  if (values.write) {
    // A write on the live API: only on a trunk and a number named here, never on defaults.
    if (values.trunk?.length !== 1) return usage('--write needs exactly one --trunk on the command line (the sandbox trunk to write to).')
    if (!values.number) return usage('--write needs --number: the test number to add and remove.')
    const parsed = parsePhoneNumber(values.number)
    if (!('number' in parsed)) return usage(`--number ${parsed.problem}.`)
    e164 = parsed.number.e164
  } else if (values.number) {
    return usage('--number is for the write probe: add --write, or leave it out.')
  }
  const settle = values.settle === undefined ? 30 : Number(values.settle)
  if (!Number.isFinite(settle) || settle < 0 || settle > 600) return usage('--settle must be a number of seconds from 0 to 600.')

  const http = new HttpClient({ baseUrl, token, timeoutMs: 30_000, maxRetries: 2 })
  const trunks = trunkIds.map(id => ({ id, api: api as TrunkApi }))
  try {
    const report = await checkApi(http, { trunks, ...(values.agent && { agentId: values.agent }) })
    io.out(secrets.redact(checkText(report)))
    let code = report.failed > 0 ? 2 : report.differences.some(d => d.field) ? 1 : 0
    if (e164 !== undefined) {
      const [trunk] = trunks
      if (!trunk) return 2
      io.out(`\nWrite probe on trunk ${trunk.id} (${trunk.api}) with ${masked(e164)}:\n`)
      const probe = await probeWrites(http, trunk, e164, { settleMs: settle * 1000, clock: io.clock ?? realClock })
      for (const line of probe.lines) io.out(secrets.redact(`  ${line}\n`))
      for (const d of probe.differences) io.out(secrets.redact(`  difference: ${d.what}${d.option ? `  [emulator option ${d.option}]` : ''}\n`))
      if (probe.differences.length === 0 && !probe.failed) io.out("  no difference from the action's reading of the API\n")
      if (probe.failed) code = 2
      else if (code === 0 && probe.differences.some(d => d.field)) code = 1
    }
    return code
  } catch (error) {
    io.err(`${secrets.redact(messageOf(error))}\n`)
    return 2
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      trunk: { type: 'string', multiple: true },
      api: { type: 'string' },
      agent: { type: 'string' },
      'base-url': { type: 'string' },
      write: { type: 'boolean' },
      number: { type: 'string' },
      settle: { type: 'string' },
      help: { type: 'boolean', short: 'h' }
    }
  }).values
}

/** The API's URL, or why it cannot be used: https, or http on loopback only; no credentials in it. */
function apiUrl(raw: string): URL | string {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return '--base-url must be an absolute URL such as https://api.bolna.ai.'
  }
  const loopback = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/.test(url.hostname)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
    return '--base-url must use https (http only for loopback hosts, such as the emulator).'
  if (url.username || url.password || url.search || url.hash) return '--base-url must not carry credentials, a query or a fragment.'
  return url
}
