import * as core from '@actions/core'
import * as z from 'zod/mini'
import type { ConnectionSettings } from './bolna/connect.js'
import { idProblem } from './bolna/paths.js'
import { TRUNK_API_NAMES } from './bolna/port.js'
import type { TrunkApi } from './bolna/port.js'
import { DESTINATION_KEY, destinationKeyProblem, numberToSend } from './phone.js'
import type { DesiredNumber, DesiredState, DesiredTrunk, OnNameChange } from './plan.js'
import { Secrets } from './secrets.js'
import { isOneLine, ONE_LINE } from './text.js'

/** Every input, validated and typed, before the first request (cf. actions/checkout's input-helper). */
export type Settings = SingleNumberSettings | NumbersFileSettings | ExportSettings

/** Export mode: write a numbers file of what Bolna holds. */
export interface ExportSettings extends CommonSettings {
  mode: 'export'
  exportFile: string
  /** The trunks to export (all of `trunkApi`'s when undefined). */
  trunkIds?: string[]
  /** The APIs whose every trunk is exported when `trunkIds` is undefined: `trunkApi`'s, or both (`trunk_api: all`). */
  apis: readonly TrunkApi[]
}

interface CommonSettings extends ConnectionSettings {
  dryRun: boolean
  /** Switch every agent mapped in this run to its trunk's telephony provider. */
  setAgentTelephony: boolean
  /** Requests in flight at once. */
  concurrency: number
  /** The API family of trunks that do not name one. */
  trunkApi: TrunkApi
  /** A plan removing more numbers (unlisted or duplicate records) fails before any write. */
  maxDeletes: number
  /** A name that differs is reported, or the number is removed and added back with it. */
  onNameChange: OnNameChange
  /** Warnings (an inactive trunk, a number nobody answers…) fail the step. */
  failOnWarnings: boolean
}

/** Single mode is a one-entry plan: one trunk, one number. */
export interface SingleNumberSettings extends CommonSettings {
  mode: 'single'
  desired: DesiredState & { trunks: [DesiredTrunk & { numbers: [DesiredNumber] }] }
  ifExists: 'skip' | 'fail'
}

export interface NumbersFileSettings extends CommonSettings {
  mode: 'file'
  numbersFile: string
  prune: boolean
  failOnDrift: boolean
  prComment: boolean
  /** Apply only the plan shown on the pull request merged as this commit. */
  requireReviewedPlan: boolean
  githubToken: string
}

/** A bad input: the message names it and says what is allowed. */
export class InputError extends Error {
  override readonly name = 'InputError'
}

export type InputReader = (name: string) => string

const YAML_TRUE = ['true', 'True', 'TRUE']
const YAML_FALSE = ['false', 'False', 'FALSE']
const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/
const API_KEY_CHARACTERS = /^[\x21-\x7e]+$/

/** Records why an input's value is refused, for the transform that returns it. */
function refuse(ctx: z.core.ParsePayload, message: string): never {
  ctx.issues.push({ code: 'custom', message, input: ctx.value })
  return z.NEVER
}

/** A string input turned into a value by `read`, which returns `refuse(ctx, why)` when it cannot be. */
const reading = <T>(read: (value: string, ctx: z.core.ParsePayload) => T) => z.pipe(z.string(), z.transform(read))

const boolean = reading((value, ctx) => {
  if (YAML_TRUE.includes(value)) return true
  if (YAML_FALSE.includes(value)) return false
  return refuse(ctx, 'must be true or false (true | True | TRUE | false | False | FALSE)')
})

const number = (min: number, max: number, kind: 'integer' | 'number') =>
  reading((value, ctx) => {
    const parsed = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN
    if (Number.isFinite(parsed) && parsed >= min && parsed <= max && (kind === 'number' || Number.isInteger(parsed))) {
      return parsed
    }
    return refuse(ctx, `must be ${kind === 'integer' ? 'a whole number' : 'a number'} from ${min} to ${max}`)
  })

const singleLine = (max: number) => z.string().check(z.maxLength(max, `must be at most ${max} characters`), z.refine(isOneLine, ONE_LINE))

const id = singleLine(200).check(z.refine(value => idProblem(value) === undefined, { error: issue => idProblem(String(issue.input)) ?? 'is not an id' }))

const phoneNumber = (e164CheckEnabled: boolean) =>
  reading((value, ctx) => {
    const parsed = numberToSend(value, e164CheckEnabled)
    return 'number' in parsed ? parsed.number : refuse(ctx, parsed.problem)
  })

const destinationKey = z.string().check(z.regex(DESTINATION_KEY, 'must be 1 to 64 characters with no spaces (the called number as your carrier sends it)'))

const apiBaseUrl = reading((value, ctx) => {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return refuse(ctx, 'must be an absolute URL such as https://api.bolna.ai')
  }
  const loopback = LOOPBACK_HOSTS.test(url.hostname)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    return refuse(ctx, 'must use https (plain http is allowed only for loopback hosts: 127.0.0.0/8, localhost, ::1)')
  }
  if (url.username || url.password || url.search || url.hash) {
    return refuse(ctx, 'must not carry credentials, a query or a fragment')
  }
  if (url.pathname.includes('//')) {
    return refuse(ctx, 'must not have "//" in its path')
  }
  return url
})

const oneOf = <T extends string>(...values: [T, ...T[]]) => z.enum(values, { error: `must be one of: ${values.join(', ')}` })

/** Reads one input through its schema; a failure names the input. */
function parse<T>(read: InputReader, input: string, schema: z.ZodMiniType<T, string>): T {
  const raw = read(input)
  const result = schema.safeParse(raw)
  if (result.success) return result.data
  const message = result.error.issues[0]?.message ?? 'is invalid'
  throw new InputError(`Input "${input}" ${message}${shown(input, raw)}.`)
}

function shown(input: string, raw: string): string {
  // Never echo a secret: the tokens, nor what a URL may carry one in.
  if (input.includes('token')) return ''
  const safe = input === 'api_base_url' ? withoutSecrets(raw) : raw
  const value = safe.length > 60 ? `${safe.slice(0, 60)}…` : safe
  return ` (got ${JSON.stringify(value)})`
}

/**
 * A URL as it may be echoed: its credentials, query and fragment each shown as `***`, so the
 * user sees what was wrong without the secret (`https://***@x.test/v1?***`).
 */
function withoutSecrets(raw: string): string {
  let url: URL | undefined
  try {
    url = new URL(raw)
  } catch {
    url = undefined
  }
  if (url?.host) {
    const credentials = url.username || url.password ? '***@' : ''
    return `${url.protocol}//${credentials}${url.host}${url.pathname}${url.search ? '?***' : ''}${url.hash ? '#***' : ''}`
  }
  // Not a URL with a host ("user:key@api.bolna.ai"): nothing before an "@", nothing from a "?" or "#" on.
  const kept = raw.split(/[?#]/)[0] ?? ''
  const at = kept.lastIndexOf('@')
  return `${at < 0 ? kept : `***${kept.slice(at)}`}${kept.length < raw.length ? `${raw[kept.length]}***` : ''}`
}

const optional = <T>(read: InputReader, input: string, schema: z.ZodMiniType<T, string>): T | undefined =>
  read(input) === '' ? undefined : parse(read, input, schema)

/** Reads the runner's inputs (trimmed, as core.getInput gives them). */
export const actionInputs: InputReader = name => core.getInput(name)

/**
 * The defaults action.yml declares (a test keeps the two equal). An input left
 * empty takes its default here too, as actions/checkout does, so that local
 * runs and `with: { dry_run: '' }` behave like the runner's defaults.
 */
export const INPUT_DEFAULTS: Readonly<Record<string, string>> = {
  api_base_url: 'https://api.bolna.ai',
  e164_check_enabled: 'false',
  timeout_seconds: '30',
  max_retries: '3',
  settle_seconds: '8',
  dry_run: 'false',
  if_exists: 'skip',
  set_agent_telephony: 'false',
  prune: 'false',
  max_deletes: '10',
  concurrency: '4',
  requests_per_minute: '900',
  fail_on_drift: 'false',
  pr_comment: 'true',
  trunk_api: 'sip-trunks',
  on_name_change: 'report',
  require_reviewed_plan: 'true',
  fail_on_warnings: 'false',
  check_api: 'false'
}

/** Every input action.yml declares (a test keeps the two equal). */
export const INPUT_NAMES: readonly string[] = [
  'token',
  'trunk_api',
  'trunk_id',
  'phone_number',
  'name',
  'destination_key',
  'agent_id',
  'numbers_file',
  'export_file',
  'github_token',
  ...Object.keys(INPUT_DEFAULTS)
]

/**
 * Inputs the step was given that action.yml does not declare (`dry-run`, `dryrun`): the runner
 * only warns, and the action would silently ignore them, so a plan-only run would apply.
 */
function refuseUndeclaredInputs(env: NodeJS.ProcessEnv): void {
  const declared = new Set(INPUT_NAMES.map(name => `INPUT_${name.toUpperCase()}`))
  for (const key of Object.keys(env)) {
    if (!key.startsWith('INPUT_') || declared.has(key)) continue
    const given = key.slice('INPUT_'.length).toLowerCase()
    const near = nearest(given, INPUT_NAMES)
    throw new InputError(`Input "${given}" is not an input of this action${near ? `; did you mean "${near}"?` : ''} (see action.yml for the list).`)
  }
}

/** The declared name closest to `given` (ignoring - _ and spaces), if it is close enough to be a typo. */
function nearest(given: string, names: readonly string[]): string | undefined {
  const squash = (text: string) => text.toLowerCase().replace(/[-_ ]/g, '')
  let best: { name: string; distance: number } | undefined
  for (const name of names) {
    const distance = editDistance(squash(given), squash(name))
    if (!best || distance < best.distance) best = { name, distance }
  }
  return best && best.distance <= Math.max(2, Math.floor(given.length / 4)) ? best.name : undefined
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length] ?? 0
}

/** Inputs that only one mode reads: a non-default value in the other mode is a mistake, named. */
const FILE_ONLY = ['prune', 'fail_on_drift', 'pr_comment', 'require_reviewed_plan'] as const
const SINGLE_ONLY = ['if_exists', 'e164_check_enabled'] as const
/** The inputs that say which number to add in single mode. */
const SINGLE_NUMBER = ['phone_number', 'name', 'agent_id', 'destination_key'] as const

type FileOptions = Pick<NumbersFileSettings, 'prune' | 'failOnDrift' | 'prComment' | 'requireReviewedPlan'>
type SingleOptions = Pick<SingleNumberSettings, 'ifExists'> & { e164CheckEnabled: boolean }

/** The Bolna API key: the token input, else the BOLNA_API_KEY environment variable. */
function apiKey(read: InputReader, env: NodeJS.ProcessEnv): string {
  return read('token') || (env.BOLNA_API_KEY ?? '').trim()
}

/** The secrets the step was given, read before anything else so that any failure can be redacted. */
export function secretInputs(read: InputReader = actionInputs, env: NodeJS.ProcessEnv = process.env): Secrets {
  return new Secrets([apiKey(read, env), read('github_token')])
}

/**
 * Turns the inputs into Settings: the common ones, then those of the mode the inputs choose
 * (export_file: export; numbers_file: file mode; else single mode).
 */
export function readSettings(readInput: InputReader = actionInputs, env: NodeJS.ProcessEnv = process.env): Settings {
  const { read, common } = readCommonSettings(readInput, env)
  // Every input is checked, also those of the other modes: a typo must not pass unnoticed.
  const fileOptions: FileOptions = {
    prune: parse(read, 'prune', boolean),
    failOnDrift: parse(read, 'fail_on_drift', boolean),
    prComment: parse(read, 'pr_comment', boolean),
    requireReviewedPlan: parse(read, 'require_reviewed_plan', boolean)
  }
  // check_api: true never gets here (api-check.ts runs the check instead); any other value must still be a boolean.
  parse(read, 'check_api', boolean)
  const singleOptions: SingleOptions = {
    e164CheckEnabled: parse(read, 'e164_check_enabled', boolean),
    ifExists: parse(read, 'if_exists', oneOf('skip', 'fail'))
  }
  if (read('export_file')) return readExportSettings(read, common)
  if (read('numbers_file')) return readNumbersFileSettings(read, common, fileOptions)
  return readSingleNumberSettings(read, common, singleOptions)
}

/**
 * The key's checks and the settings of every mode. The secrets are masked before anything else
 * is read, so no later log line can show them; `read` gives each input or its default, and
 * refuses any input (but the two tokens) that holds a secret.
 */
export function readCommonSettings(readInput: InputReader, env: NodeJS.ProcessEnv): { read: InputReader; common: CommonSettings } {
  const token = apiKey(readInput, env)
  const secrets = secretInputs(readInput, env)
  secrets.mask()
  refuseUndeclaredInputs(env)
  const read: InputReader = name => {
    const value = readInput(name) || INPUT_DEFAULTS[name] || ''
    // Any input holding the key would be echoed in logs and outputs: refuse it, without showing it.
    if (name !== 'token' && name !== 'github_token' && secrets.foundIn(value)) {
      throw new InputError(
        `Input "${name}" contains a secret (the Bolna API key or the GitHub token); pass the key only as "token" (and consider rotating it).`
      )
    }
    return value
  }
  if (!token) {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a workflow expression for the user to copy
    throw new InputError('No Bolna API key: set the "token" input (e.g. token: ${{ secrets.BOLNA_API_KEY }}) or the BOLNA_API_KEY environment variable.')
  }
  if (!API_KEY_CHARACTERS.test(token) || token.length > 4096) {
    // A header cannot carry anything else; the usual cause is a stray character copied with the key.
    throw new InputError(
      'Input "token" must be the API key alone: visible ASCII characters, no spaces, at most 4096 (check for a stray character copied with it).'
    )
  }

  const allApis = read('trunk_api') === 'all'
  if (allApis && !read('export_file')) {
    throw new InputError('Input "trunk_api" is "all", which only an export takes (export_file): set it to sip-trunks or trunk.')
  }
  const common: CommonSettings = {
    token,
    apiBaseUrl: parse(read, 'api_base_url', apiBaseUrl),
    timeoutMs: parse(read, 'timeout_seconds', number(1, 600, 'number')) * 1000,
    maxRetries: parse(read, 'max_retries', number(0, 10, 'integer')),
    requestsPerMinute: parse(read, 'requests_per_minute', number(0, 100_000, 'integer')),
    settleMs: parse(read, 'settle_seconds', number(0, 120, 'number')) * 1000,
    dryRun: parse(read, 'dry_run', boolean),
    setAgentTelephony: parse(read, 'set_agent_telephony', boolean),
    concurrency: parse(read, 'concurrency', number(1, 64, 'integer')),
    // `all` (both APIs) is export mode's alone; it is checked there.
    trunkApi: allApis ? 'sip-trunks' : parse(read, 'trunk_api', oneOf(...(TRUNK_API_NAMES as [TrunkApi, ...TrunkApi[]]))),
    maxDeletes: parse(read, 'max_deletes', number(0, 100_000, 'integer')),
    onNameChange: parse(read, 'on_name_change', oneOf('report', 'replace')),
    failOnWarnings: parse(read, 'fail_on_warnings', boolean)
  }
  return { read, common }
}

/** Refuses each input left at other than its default: it does nothing in this mode (`why` says which). */
function refuseNonDefault(read: InputReader, inputs: readonly string[], why: string): void {
  for (const input of inputs) {
    if (read(input).toLowerCase() !== INPUT_DEFAULTS[input]) {
      throw new InputError(`Input "${input}" does nothing in ${why}; remove it, or leave it at its default "${INPUT_DEFAULTS[input]}".`)
    }
  }
}

/** Refuses each of `inputs` that is set (`why` says why it must be empty). */
function refuseSet(read: InputReader, inputs: readonly string[], why: string): void {
  for (const input of inputs) if (read(input)) throw new InputError(`Input "${input}" must be empty when ${why}.`)
}

/** Export mode: the file to write, and the trunks to read (all of trunk_api's when none is named). */
function readExportSettings(read: InputReader, common: CommonSettings): ExportSettings {
  refuseSet(read, ['numbers_file', ...SINGLE_NUMBER], '"export_file" is set: an export writes what Bolna holds')
  // An export writes no number to Bolna: the inputs of both other modes would do nothing.
  refuseNonDefault(read, [...SINGLE_ONLY, ...FILE_ONLY, 'dry_run', 'set_agent_telephony', 'on_name_change'], 'export mode (export_file is set)')
  const trunkIds = read('trunk_id')
    .split(/[,\n]/)
    .map(part => part.trim())
    .filter(Boolean)
  for (const [i, trunkId] of trunkIds.entries()) parse(() => trunkId, trunkIds.length > 1 ? `trunk_id (item ${i + 1})` : 'trunk_id', id)
  const allApis = read('trunk_api') === 'all'
  if (allApis && trunkIds.length > 0) {
    throw new InputError(
      'Input "trunk_id" must be empty with trunk_api: all, which exports every trunk of both APIs; to export some trunks, set trunk_api to their API.'
    )
  }
  const apis = allApis ? TRUNK_API_NAMES : [common.trunkApi]
  return { ...common, mode: 'export', exportFile: parse(read, 'export_file', singleLine(1000)), apis, ...(trunkIds.length > 0 && { trunkIds }) }
}

/** File mode: the numbers file lists the trunks and numbers, with their own settings. */
function readNumbersFileSettings(read: InputReader, common: CommonSettings, options: FileOptions): NumbersFileSettings {
  refuseNonDefault(read, SINGLE_ONLY, 'file mode (numbers_file is set), where each number carries its own settings')
  refuseSet(read, ['trunk_id', ...SINGLE_NUMBER], '"numbers_file" is set: a numbers file lists its own trunks and numbers')
  return { ...common, ...options, mode: 'file', numbersFile: parse(read, 'numbers_file', singleLine(1000)), githubToken: read('github_token') }
}

/** Single mode: one number on one trunk, as a one-entry desired state (the numbers file's rules apply to it). */
function readSingleNumberSettings(read: InputReader, common: CommonSettings, { e164CheckEnabled, ifExists }: SingleOptions): SingleNumberSettings {
  refuseNonDefault(read, FILE_ONLY, 'single mode (no numbers_file)')
  if (!read('trunk_id') || !read('phone_number')) {
    const missing = read('trunk_id') ? 'phone_number' : 'trunk_id'
    throw new InputError(`Input "${missing}" is required (or set "numbers_file" to manage a file of numbers).`)
  }
  const trunk = { id: parse(read, 'trunk_id', id), api: common.trunkApi }
  const written = read('phone_number')
  const { e164, withPlus } = parse(read, 'phone_number', phoneNumber(e164CheckEnabled))
  const want: DesiredNumber = {
    written,
    e164,
    withPlus,
    name: optional(read, 'name', singleLine(255)),
    e164CheckEnabled,
    destinationKey: optional(read, 'destination_key', destinationKey),
    agentId: optional(read, 'agent_id', id)
  }
  const keyProblem = want.destinationKey !== undefined ? destinationKeyProblem(trunk.api) : undefined
  if (keyProblem) throw new InputError(`Input "destination_key" ${keyProblem} (trunk_api is "${trunk.api}").`)
  if (common.setAgentTelephony && !want.agentId) {
    throw new InputError('Input "set_agent_telephony" needs "agent_id": it switches that agent to the trunk\'s telephony provider.')
  }
  return { ...common, mode: 'single', desired: { trunks: [{ trunk, prune: false, numbers: [want] }] }, ifExists }
}
