import { readFile } from 'node:fs/promises'
import { parsePhoneNumberFromString } from 'libphonenumber-js/min'
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml'
import type { Document } from 'yaml'
import { z } from 'zod'
import { isDotSegment } from './bolna/api.js'
import { digitsOf, e164Problem, phoneNumberProblem } from './phone.js'
import { isOneLine, ONE_LINE, quote } from './text.js'
import type { DesiredNumber, DesiredState } from './plan.js'

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

const numberEntry = z.strictObject({
  phone_number: z
    .string({
      error: issue =>
        issue.input === undefined ? 'is required' : 'must be a quoted string, e.g. "919876543210" (unquoted, YAML reads a number and drops a leading + or 0)'
    })
    .transform(value => value.trim()),
  name: text(255).optional(),
  e164_check_enabled: flag.optional(),
  agent_id: text(200)
    .refine(value => !isDotSegment(value), 'cannot be "." or ".."')
    .optional()
})

const fileSchema = z.strictObject({
  version: z.literal(1, { error: 'must be 1' }),
  defaults: z.strictObject({ e164_check_enabled: flag.optional() }).optional(),
  trunks: z
    .array(
      z.strictObject({
        trunk_id: text(200).refine(value => !isDotSegment(value), 'cannot be "." or ".."'),
        prune: flag.optional(),
        numbers: z.array(numberEntry, { error: 'must be a list of numbers' })
      }),
      { error: 'must be a list of trunks' }
    )
    .min(1, 'must list at least one trunk')
})

type FileShape = z.infer<typeof fileSchema>

/** Reads and checks the whole file; every problem is reported, and nothing is written on any. */
export async function readNumbersFile(path: string, apiKey: string): Promise<NumbersFileResult> {
  let source: string
  try {
    source = await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as { code?: string }).code
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (code ?? 'unreadable')
    return { ok: false, problems: [{ message: `cannot read the numbers file: ${why}` }] }
  }
  if (apiKey.length >= 8 && source.includes(apiKey)) {
    // Not echoed: every line that holds it would repeat the key in the log.
    return { ok: false, problems: [{ message: 'the numbers file contains the Bolna API key: remove it from the repository and rotate the key' }] }
  }
  return parseNumbersFile(source)
}

export function parseNumbersFile(source: string): NumbersFileResult {
  const lines = new LineCounter()
  const doc = parseDocument(source, { lineCounter: lines, uniqueKeys: true, prettyErrors: false })
  const lineAt = (offset: number | undefined) => (offset === undefined ? undefined : lines.linePos(offset).line)
  if (doc.errors.length > 0) {
    return { ok: false, problems: doc.errors.map(e => ({ line: lineAt(e.pos[0]), message: `YAML: ${firstLine(e.message)}` })) }
  }
  let value: unknown
  try {
    value = doc.toJS({ maxAliasCount: 100 })
  } catch (error) {
    // An alias to no anchor, or too many aliases (a "billion laughs" file).
    return { ok: false, problems: [{ message: `YAML: ${firstLine((error as Error).message)}` }] }
  }
  const parsed = fileSchema.safeParse(value)
  if (!parsed.success) {
    const problems = parsed.error.issues.flatMap(issue => schemaProblems(doc, issue, lineAt))
    return { ok: false, problems: sortByLine(problems) }
  }
  return checkNumbers(parsed.data, (path: (string | number)[]) => lineAt(nodeAt(doc, path)?.range?.[0]))
}

function schemaProblems(doc: Document, issue: z.core.$ZodIssue, lineAt: (o?: number) => number | undefined): FileProblem[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol')
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map(key => ({
      line: lineAt(keyNodeAt(doc, path, key)?.range?.[0] ?? nodeAt(doc, path)?.range?.[0]),
      message: `${describe([...path, key])}: unknown key (allowed here: ${allowedKeys(path).join(', ')})`
    }))
  }
  let line = lineAt(nodeAt(doc, path)?.range?.[0])
  for (let up = path.length - 1; line === undefined && up >= 0; up--) line = lineAt(nodeAt(doc, path.slice(0, up))?.range?.[0])
  return [{ line, message: `${describe(path)} ${issue.message}` }]
}

function allowedKeys(path: (string | number)[]): string[] {
  if (path.length === 0) return Object.keys(fileSchema.shape)
  if (path[0] === 'defaults') return ['e164_check_enabled']
  if (path.length === 2) return ['trunk_id', 'prune', 'numbers']
  return Object.keys(numberEntry.shape)
}

/**
 * Cross-entry rules: valid numbers, no number twice on a trunk or on two trunks, no trunk twice.
 * Lines are looked up only for problems: a clean file of thousands of numbers needs none.
 */
function checkNumbers(file: FileShape, lineOf: (path: (string | number)[]) => number | undefined): NumbersFileResult {
  const problems: FileProblem[] = []
  const seen = new Map<string, { trunkId: string; path: (string | number)[] }>()
  const trunksSeen = new Map<string, number>()
  const desired: DesiredState = { trunks: [] }
  file.trunks.forEach((trunk, t) => {
    const first = trunksSeen.get(trunk.trunk_id)
    if (first !== undefined) {
      problems.push({
        line: lineOf(['trunks', t, 'trunk_id']),
        message: `trunk ${quote(trunk.trunk_id)} is listed twice (first on line ${lineOf(['trunks', first, 'trunk_id'])}); list each trunk once`
      })
    }
    trunksSeen.set(trunk.trunk_id, t)
    const numbers: DesiredNumber[] = []
    trunk.numbers.forEach((entry, n) => {
      const path = ['trunks', t, 'numbers', n, 'phone_number']
      const where = `trunks[${t}].numbers[${n}].phone_number ${quote(entry.phone_number)}`
      const e164CheckEnabled = entry.e164_check_enabled ?? file.defaults?.e164_check_enabled ?? false
      const problem =
        phoneNumberProblem(entry.phone_number) ?? (e164CheckEnabled ? e164Problem(entry.phone_number) : undefined) ?? impossibleNumber(entry.phone_number)
      if (problem) {
        problems.push({ line: lineOf(path), message: `${where} ${problem}` })
        return
      }
      const digits = digitsOf(entry.phone_number)
      const earlier = seen.get(digits)
      if (earlier) {
        const again =
          earlier.trunkId === trunk.trunk_id
            ? `is listed twice on trunk ${quote(trunk.trunk_id)}`
            : `is already listed on trunk ${quote(earlier.trunkId)}; Bolna allows one active trunk per number`
        problems.push({ line: lineOf(path), message: `${where} ${again} (first on line ${lineOf(earlier.path)})` })
        return
      }
      seen.set(digits, { trunkId: trunk.trunk_id, path })
      numbers.push({ phoneNumber: entry.phone_number, digits, name: entry.name, e164CheckEnabled, agentId: entry.agent_id })
    })
    desired.trunks.push({ trunkId: trunk.trunk_id, prune: trunk.prune ?? false, numbers })
  })
  return problems.length > 0 ? { ok: false, problems: sortByLine(problems) } : { ok: true, desired }
}

/** libphonenumber's length rules for the number's country (read as +<digits>). */
function impossibleNumber(phoneNumber: string): string | undefined {
  const parsed = parsePhoneNumberFromString(`+${digitsOf(phoneNumber)}`)
  if (parsed?.isPossible()) return undefined
  return 'is not a possible phone number: it needs a country code and a subscriber number of the right length (e.g. "919876543210" or "+14155550123")'
}

function nodeAt(doc: Document, path: (string | number)[]): { range?: [number, number, number] | null } | undefined {
  const node = path.length === 0 ? doc.contents : doc.getIn(path, true)
  return node && typeof node === 'object' ? (node as { range?: [number, number, number] | null }) : undefined
}

function keyNodeAt(doc: Document, path: (string | number)[], key: string): { range?: [number, number, number] | null } | undefined {
  const map = path.length === 0 ? doc.contents : doc.getIn(path, true)
  if (!isMap(map)) return undefined
  const pair = map.items.find(item => isScalar(item.key) && item.key.value === key)
  return pair && isScalar(pair.key) ? pair.key : undefined
}

function describe(path: (string | number)[]): string {
  if (path.length === 0) return 'the file'
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('')
}

function sortByLine(problems: FileProblem[]): FileProblem[] {
  return [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0))
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message
}
