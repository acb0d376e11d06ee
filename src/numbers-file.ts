import { readFile } from 'node:fs/promises'
import { CORE_SCHEMA, load } from 'js-yaml'
import type { Document } from 'yaml'
import { z } from 'zod'
import { isDotSegment } from './bolna/paths.js'
import { TRUNK_API_NAMES, TRUNK_APIS } from './bolna/port.js'
import type { TrunkApi } from './bolna/port.js'
import { DESTINATION_KEY, e164CheckProblem, parsePhoneNumber } from './phone.js'
import type { DesiredNumber, DesiredState } from './plan.js'
import type { Secrets } from './secrets.js'
import { isOneLine, ONE_LINE, quote } from './text.js'

/** One problem in the numbers file, on the line the user must fix. */
export interface FileProblem {
  line?: number
  message: string
}

export type NumbersFileResult = { ok: true; desired: DesiredState } | { ok: false; problems: FileProblem[] }

const text = (max: number) =>
  z
    .string({ error: issue => (issue.input === undefined ? 'is required' : 'must be a string (quote it)') })
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine(isOneLine, ONE_LINE)
const flag = z.boolean({ error: 'must be true or false' })
const api = z.enum(TRUNK_API_NAMES as [TrunkApi, ...TrunkApi[]], { error: `must be one of: ${TRUNK_API_NAMES.join(', ')}` })
const agentId = text(200).refine(value => !isDotSegment(value), 'cannot be "." or ".."')

const numberEntry = z.strictObject({
  phone_number: z
    .string({
      error: issue =>
        issue.input === undefined ? 'is required' : 'must be a quoted string, e.g. "919876543210" (unquoted, YAML reads a number and drops a leading + or 0)'
    })
    .transform(value => value.trim()),
  name: text(255).optional(),
  e164_check_enabled: flag.optional(),
  destination_key: text(64).regex(DESTINATION_KEY, 'must have no spaces (the called number as your carrier sends it)').optional(),
  // null: no agent answers it (the mapping is removed); left out: the mapping is left as it is.
  agent_id: agentId.nullable().optional()
})

const fileSchema = z.strictObject({
  version: z.literal(1, { error: 'must be 1' }),
  defaults: z.strictObject({ api: api.optional(), e164_check_enabled: flag.optional() }).optional(),
  trunks: z
    .array(
      z.strictObject({
        trunk_id: text(200).refine(value => !isDotSegment(value), 'cannot be "." or ".."'),
        api: api.optional(),
        prune: flag.optional(),
        numbers: z.array(numberEntry, { error: 'must be a list of numbers' })
      }),
      { error: 'must be a list of trunks' }
    )
    .min(1, 'must list at least one trunk')
})

/** Reads and checks the whole file; every problem is reported, and nothing is written on any. */
export async function readNumbersFile(path: string, secrets: Secrets, defaultApi: TrunkApi): Promise<NumbersFileResult> {
  let source: string
  try {
    source = await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as { code?: string }).code
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (code ?? 'unreadable')
    return { ok: false, problems: [{ message: `cannot read the numbers file: ${why}` }] }
  }
  if (secrets.foundIn(source)) {
    // Not echoed: every line that holds it would repeat the key in the log.
    return { ok: false, problems: [{ message: 'the numbers file contains the Bolna API key: remove it from the repository and rotate the key' }] }
  }
  return parseNumbersFile(source, defaultApi)
}

type Path = (string | number)[]

/** A problem found by path; its line is looked up once, only when there are problems. */
interface Finding {
  path: Path
  /** An unknown key: the line of the key itself. */
  key?: string
  message: string
  /** Where the entry this one repeats was first listed. */
  first?: Path
}

/**
 * Parses and checks the file. The common case, a clean file, is read with js-yaml, which is
 * about four times faster to load and parse; the `yaml` library, which knows every node's
 * line, is loaded only to report problems, and for files with anchors, aliases or tags (whose
 * aliases it caps: no "billion laughs").
 */
export async function parseNumbersFile(source: string, defaultApi: TrunkApi = 'sip-trunks'): Promise<NumbersFileResult> {
  let positions: Positions | undefined
  let value = quickLoad(source)
  if (value === FAILED) {
    positions = await readPositions(source)
    if ('problems' in positions) return { ok: false, problems: positions.problems }
    value = positions.value
  }
  const checked = checkFile(value, defaultApi)
  if ('desired' in checked) return { ok: true, desired: checked.desired }
  positions ??= await readPositions(source)
  if ('problems' in positions) return { ok: false, problems: positions.problems }
  const { lineOf } = positions
  const problems = checked.findings.map(f => ({
    line: lineOf(f.path, f.key),
    message: f.first ? `${f.message} (first on line ${lineOf(f.first)})` : f.message
  }))
  return { ok: false, problems: problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)) }
}

const FAILED = Symbol('not loaded')

/** js-yaml (YAML 1.2 core schema), for plain files; FAILED sends the file down the careful path. */
function quickLoad(source: string): unknown {
  if (/[&*!]/.test(source)) return FAILED
  try {
    return load(source, { schema: CORE_SCHEMA })
  } catch {
    return FAILED
  }
}

type Positions = { value: unknown; lineOf: (path: Path, key?: string) => number | undefined } | { problems: FileProblem[] }

/** The `yaml` library's reading: every syntax problem with its line, and the line of any node. */
async function readPositions(source: string): Promise<Positions> {
  const { LineCounter, parseDocument } = await import('yaml')
  const lines = new LineCounter()
  const doc = parseDocument(source, { lineCounter: lines, uniqueKeys: true, prettyErrors: false })
  const lineAt = (offset: number | undefined) => (offset === undefined ? undefined : lines.linePos(offset).line)
  if (doc.errors.length > 0) {
    return { problems: doc.errors.map(e => ({ line: lineAt(e.pos[0]), message: `YAML: ${firstLine(e.message)}` })) }
  }
  let value: unknown
  try {
    value = doc.toJS({ maxAliasCount: 100 })
  } catch (error) {
    // An alias to no anchor, or too many aliases (a "billion laughs" file).
    return { problems: [{ message: `YAML: ${firstLine((error as Error).message)}` }] }
  }
  const lineOf = (path: Path, key?: string): number | undefined => {
    const keyLine = key === undefined ? undefined : lineAt(keyRange(doc, path, key)?.[0])
    if (keyLine !== undefined) return keyLine
    // The node itself, or the nearest enclosing one that exists (a missing key's parent).
    for (let up = path.length; up >= 0; up--) {
      const line = lineAt(nodeRange(doc, path.slice(0, up))?.[0])
      if (line !== undefined) return line
    }
    return undefined
  }
  return { value, lineOf }
}

/**
 * The whole file against the schema, and the number rules on every entry whose number
 * reads as text: all problems at once, not the shape's first and the numbers' next time.
 */
function checkFile(value: unknown, defaultApi: TrunkApi): { desired: DesiredState } | { findings: Finding[] } {
  const parsed = fileSchema.safeParse(value)
  if (parsed.success) return checkNumbers(parsed.data, defaultApi)
  const shape = parsed.error.issues.flatMap((issue): Finding[] => {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol')
    if (issue.code !== 'unrecognized_keys') return [{ path, message: `${describe(path)} ${issue.message}` }]
    return issue.keys.map(key => ({ path, key, message: `${describe([...path, key])}: unknown key (allowed here: ${allowedKeys(path).join(', ')})` }))
  })
  const numbers = checkNumbers(looseShape(value), defaultApi)
  return { findings: [...shape, ...('findings' in numbers ? numbers.findings : [])] }
}

/** What the number rules read, from a file that failed the schema: wrong-typed fields left out, positions kept. */
function looseShape(value: unknown): NumbersShape {
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined)
  const flagOf = (v: unknown) => (typeof v === 'boolean' ? v : undefined)
  const fields = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {})
  const list = (v: unknown) => (Array.isArray(v) ? (v as unknown[]) : [])
  const apiOf = (v: unknown) => ((TRUNK_API_NAMES as unknown[]).includes(v) ? (v as TrunkApi) : undefined)
  const root = fields(value)
  return {
    defaults: { api: apiOf(fields(root.defaults).api), e164_check_enabled: flagOf(fields(root.defaults).e164_check_enabled) },
    trunks: list(root.trunks).map(trunk => ({
      trunk_id: text(fields(trunk).trunk_id),
      api: apiOf(fields(trunk).api),
      numbers: list(fields(trunk).numbers).map(entry => ({
        phone_number: text(fields(entry).phone_number)?.trim(),
        destination_key: text(fields(entry).destination_key),
        e164_check_enabled: flagOf(fields(entry).e164_check_enabled)
      }))
    }))
  }
}

/** What the number rules need to know of a file. */
interface NumbersShape {
  defaults?: { api?: TrunkApi; e164_check_enabled?: boolean }
  trunks: {
    trunk_id?: string
    api?: TrunkApi
    prune?: boolean
    numbers: { phone_number?: string; name?: string; e164_check_enabled?: boolean; destination_key?: string; agent_id?: string | null }[]
  }[]
}

function allowedKeys(path: Path): string[] {
  if (path.length === 0) return Object.keys(fileSchema.shape)
  if (path[0] === 'defaults') return ['api', 'e164_check_enabled']
  if (path.length === 2) return ['trunk_id', 'api', 'prune', 'numbers']
  return Object.keys(numberEntry.shape)
}

/** Cross-entry rules: valid numbers, no number twice on a trunk or on two trunks, no trunk twice. */
function checkNumbers(file: NumbersShape, defaultApi: TrunkApi): { desired: DesiredState } | { findings: Finding[] } {
  const findings: Finding[] = []
  const seen = new Map<string, { trunkId: string; path: Path }>()
  const trunksSeen = new Map<string, number>()
  const desired: DesiredState = { trunks: [] }
  file.trunks.forEach((trunk, t) => {
    const trunkId = trunk.trunk_id ?? ''
    const api = trunk.api ?? file.defaults?.api ?? defaultApi
    const first = trunksSeen.get(trunkId)
    if (trunk.trunk_id !== undefined && first !== undefined) {
      findings.push({
        path: ['trunks', t, 'trunk_id'],
        message: `trunk ${quote(trunkId)} is listed twice; list each trunk once`,
        first: ['trunks', first, 'trunk_id']
      })
    }
    trunksSeen.set(trunkId, t)
    const numbers: DesiredNumber[] = []
    trunk.numbers.forEach((entry, n) => {
      const written = entry.phone_number
      if (written === undefined) return
      const path = ['trunks', t, 'numbers', n, 'phone_number']
      const where = `trunks[${t}].numbers[${n}].phone_number ${quote(written)}`
      if (entry.destination_key !== undefined && !TRUNK_APIS[api].destinationKey) {
        findings.push({
          path: ['trunks', t, 'numbers', n, 'destination_key'],
          message: `trunks[${t}].numbers[${n}].destination_key applies only to trunks with api: trunk; Bolna's ${TRUNK_APIS[api].title} has no such field`
        })
      }
      const e164CheckEnabled = entry.e164_check_enabled ?? file.defaults?.e164_check_enabled ?? false
      const parsed = parsePhoneNumber(written)
      const problem = 'problem' in parsed ? parsed.problem : e164CheckEnabled ? e164CheckProblem(written) : undefined
      if (problem || !('number' in parsed)) {
        findings.push({ path, message: `${where} ${problem}` })
        return
      }
      const { e164, withPlus } = parsed.number
      const earlier = seen.get(e164)
      if (earlier) {
        const again =
          earlier.trunkId === trunkId
            ? `is listed twice on trunk ${quote(trunkId)}`
            : `is already listed on trunk ${quote(earlier.trunkId)}; Bolna allows one active trunk per number`
        findings.push({ path, message: `${where} ${again}`, first: earlier.path })
        return
      }
      seen.set(e164, { trunkId, path })
      numbers.push({
        written,
        e164,
        withPlus,
        name: entry.name,
        e164CheckEnabled,
        ...(entry.destination_key !== undefined && { destinationKey: entry.destination_key }),
        ...(entry.agent_id !== undefined && { agentId: entry.agent_id })
      })
    })
    desired.trunks.push({ trunk: { id: trunkId, api }, prune: trunk.prune ?? false, numbers })
  })
  return findings.length > 0 ? { findings } : { desired }
}

function nodeRange(doc: Document, path: Path): readonly number[] | null | undefined {
  const node = path.length === 0 ? doc.contents : doc.getIn(path, true)
  return node && typeof node === 'object' && 'range' in node ? (node.range as readonly number[] | null | undefined) : undefined
}

function keyRange(doc: Document, path: Path, key: string): readonly number[] | null | undefined {
  const map = path.length === 0 ? doc.contents : doc.getIn(path, true)
  const items = map && typeof map === 'object' && 'items' in map && Array.isArray(map.items) ? (map.items as { key?: unknown }[]) : []
  const pair = items.find(item => (item.key as { value?: unknown } | undefined)?.value === key)
  return (pair?.key as { range?: readonly number[] | null } | undefined)?.range
}

function describe(path: Path): string {
  if (path.length === 0) return 'the file'
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('')
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message
}
