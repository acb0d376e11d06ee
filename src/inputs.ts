import * as core from '@actions/core'
import { z } from 'zod'
import { isDotSegment } from './bolna/api.js'
import { e164Problem, phoneNumberProblem } from './phone.js'
import { isOneLine, ONE_LINE } from './text.js'

/** Every input, validated and typed, before the first request (cf. actions/checkout's input-helper). */
export type Settings = SingleNumberSettings | NumbersFileSettings

interface ConnectionSettings {
  token: string
  apiBaseUrl: URL
  timeoutMs: number
  maxRetries: number
  requestsPerMinute: number
  /** How long a number just added may take to show in the list or to be mappable. */
  settleMs: number
  dryRun: boolean
}

export interface AgentSettings {
  agentId?: string
  setAgentTelephony: boolean
}

export interface SingleNumberSettings extends ConnectionSettings, AgentSettings {
  mode: 'single'
  trunkId: string
  phoneNumber: string
  name?: string
  e164CheckEnabled: boolean
  ifExists: 'skip' | 'fail'
}

export interface NumbersFileSettings extends ConnectionSettings {
  mode: 'file'
  /** Switch every agent a number was mapped to in this run to the SIP trunk. */
  setAgentTelephony: boolean
  numbersFile: string
  prune: boolean
  maxDeletes: number
  concurrency: number
  failOnDrift: boolean
  prComment: boolean
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
const MIN_SECRET_LENGTH = 8
const API_KEY_CHARACTERS = /^[\x21-\x7e]+$/

const boolean = z.string().transform((value, ctx) => {
  if (YAML_TRUE.includes(value)) return true
  if (YAML_FALSE.includes(value)) return false
  ctx.addIssue({ code: 'custom', message: 'must be true or false (true | True | TRUE | false | False | FALSE)' })
  return z.NEVER
})

const number = (min: number, max: number, kind: 'integer' | 'number') =>
  z.string().transform((value, ctx) => {
    const parsed = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN
    if (Number.isFinite(parsed) && parsed >= min && parsed <= max && (kind === 'number' || Number.isInteger(parsed))) {
      return parsed
    }
    ctx.addIssue({ code: 'custom', message: `must be ${kind === 'integer' ? 'a whole number' : 'a number'} from ${min} to ${max}` })
    return z.NEVER
  })

const singleLine = (max: number) => z.string().max(max, `must be at most ${max} characters`).refine(isOneLine, ONE_LINE)

const id = singleLine(200).refine(value => !isDotSegment(value), 'cannot be "." or ".." (a URL path would resolve it)')

const phoneNumber = z.string().superRefine((value, ctx) => {
  const problem = phoneNumberProblem(value)
  if (problem) ctx.addIssue({ code: 'custom', message: problem })
})

const apiBaseUrl = z.string().transform((value, ctx) => {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be an absolute URL such as https://api.bolna.ai' })
    return z.NEVER
  }
  const loopback = LOOPBACK_HOSTS.test(url.hostname)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    ctx.addIssue({ code: 'custom', message: 'must use https (plain http is allowed only for loopback hosts: 127.0.0.0/8, localhost, ::1)' })
    return z.NEVER
  }
  if (url.username || url.password || url.search || url.hash) {
    ctx.addIssue({ code: 'custom', message: 'must not carry credentials, a query or a fragment' })
    return z.NEVER
  }
  if (url.pathname.includes('//')) {
    ctx.addIssue({ code: 'custom', message: 'must not have "//" in its path' })
    return z.NEVER
  }
  return url
})

const oneOf = <T extends string>(...values: [T, ...T[]]) => z.enum(values, { error: `must be one of: ${values.join(', ')}` })

/** Reads one input through its schema; a failure names the input. */
function parse<T>(read: InputReader, input: string, schema: z.ZodType<T, string>): T {
  const raw = read(input)
  const result = schema.safeParse(raw)
  if (result.success) return result.data
  const message = result.error.issues[0]?.message ?? 'is invalid'
  throw new InputError(`Input "${input}" ${message}${shown(input, raw)}.`)
}

function shown(input: string, raw: string): string {
  // Never echo a secret: the tokens, or credentials written into a URL.
  if (input.includes('token') || (input === 'api_base_url' && raw.includes('@'))) return ''
  const value = raw.length > 60 ? `${raw.slice(0, 60)}…` : raw
  return ` (got ${JSON.stringify(value)})`
}

const optional = <T>(read: InputReader, input: string, schema: z.ZodType<T, string>): T | undefined =>
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
  pr_comment: 'true'
}

/** The secrets the step was given, for a last redaction of any failure message. */
export function secretInputs(read: InputReader = actionInputs, env: NodeJS.ProcessEnv = process.env): string[] {
  return [read('token'), (env.BOLNA_API_KEY ?? '').trim(), read('github_token')].filter(Boolean)
}

/**
 * Turns the inputs into Settings. The API key is masked before anything else
 * is read, so no later log line can show it.
 */
export function readSettings(readInput: InputReader = actionInputs, env: NodeJS.ProcessEnv = process.env): Settings {
  const token = readInput('token') || (env.BOLNA_API_KEY ?? '').trim()
  const read: InputReader = name => {
    const value = readInput(name) || INPUT_DEFAULTS[name] || ''
    // Any input holding the key would be echoed in logs and outputs: refuse it, without showing it.
    if (name !== 'token' && token.length >= MIN_SECRET_LENGTH && value.includes(token)) {
      throw new InputError(`Input "${name}" contains the Bolna API key; pass the key only as "token" (and consider rotating it).`)
    }
    return value
  }
  if (token) core.setSecret(token)
  const githubToken = read('github_token')
  if (githubToken) core.setSecret(githubToken)
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

  const connection: ConnectionSettings = {
    token,
    apiBaseUrl: parse(read, 'api_base_url', apiBaseUrl),
    timeoutMs: parse(read, 'timeout_seconds', number(1, 600, 'number')) * 1000,
    maxRetries: parse(read, 'max_retries', number(0, 10, 'integer')),
    requestsPerMinute: parse(read, 'requests_per_minute', number(0, 100_000, 'integer')),
    settleMs: parse(read, 'settle_seconds', number(0, 120, 'number')) * 1000,
    dryRun: parse(read, 'dry_run', boolean)
  }

  // Every input is checked, also those of the other mode: a typo must not pass unnoticed.
  const fileOptions = {
    prune: parse(read, 'prune', boolean),
    maxDeletes: parse(read, 'max_deletes', number(0, 100_000, 'integer')),
    concurrency: parse(read, 'concurrency', number(1, 64, 'integer')),
    failOnDrift: parse(read, 'fail_on_drift', boolean),
    prComment: parse(read, 'pr_comment', boolean),
    setAgentTelephony: parse(read, 'set_agent_telephony', boolean)
  }
  const e164CheckEnabled = parse(read, 'e164_check_enabled', boolean)
  const ifExists = parse(read, 'if_exists', oneOf('skip', 'fail'))

  const numbersFile = read('numbers_file')
  if (numbersFile) {
    for (const single of ['trunk_id', 'phone_number', 'name', 'agent_id']) {
      if (read(single)) {
        throw new InputError(`Input "${single}" must be empty when "numbers_file" is set: a numbers file lists its own trunks and numbers.`)
      }
    }
    return { ...connection, ...fileOptions, mode: 'file', numbersFile: parse(read, 'numbers_file', singleLine(1000)), githubToken }
  }

  if (!read('trunk_id') || !read('phone_number')) {
    const missing = read('trunk_id') ? 'phone_number' : 'trunk_id'
    throw new InputError(`Input "${missing}" is required (or set "numbers_file" to manage a file of numbers).`)
  }
  const settings: SingleNumberSettings = {
    ...connection,
    mode: 'single',
    trunkId: parse(read, 'trunk_id', id),
    phoneNumber: parse(read, 'phone_number', phoneNumber),
    name: optional(read, 'name', singleLine(255)),
    e164CheckEnabled,
    ifExists,
    agentId: optional(read, 'agent_id', id),
    setAgentTelephony: fileOptions.setAgentTelephony
  }
  if (settings.e164CheckEnabled) {
    const problem = e164Problem(settings.phoneNumber)
    if (problem) throw new InputError(`Input "phone_number" ${problem} (got ${JSON.stringify(settings.phoneNumber)}).`)
  }
  if (settings.setAgentTelephony && !settings.agentId) {
    throw new InputError('Input "set_agent_telephony" needs "agent_id": it switches that agent to the SIP trunk.')
  }
  return settings
}
