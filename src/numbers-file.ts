import { constants } from 'node:fs'
import type { Stats } from 'node:fs'
import { open, stat } from 'node:fs/promises'
import { CORE_SCHEMA, load } from 'js-yaml'
import type { Document } from 'yaml'
import * as z from 'zod/mini'
import { idProblem } from './bolna/paths.js'
import { TRUNK_API_NAMES } from './bolna/port.js'
import type { TrunkApi } from './bolna/port.js'
import { DESTINATION_KEY, destinationKeyProblem, numberToSend } from './phone.js'
import type { DesiredNumber, DesiredState } from './plan.js'
import type { Secrets } from './secrets.js'
import { isOneLine, ONE_LINE, quote } from './text.js'

/** One problem in the numbers file, on the line the user must fix. */
export interface FileProblem {
  line?: number
  message: string
}

/** `total`: every problem counted, where more were found than are listed (MAX_PROBLEMS). */
export type NumbersFileResult = { ok: true; desired: DesiredState; trunkLines: TrunkLines } | { ok: false; problems: FileProblem[]; total?: number }

/**
 * The line of the `trunk_id` of each trunk named (of every trunk when none are named), from the
 * parsed document's node positions, read when asked and only as far into the file as those trunks.
 */
export type TrunkLines = (trunkIds?: readonly string[]) => Promise<ReadonlyMap<string, number>>

const text = (max: number) =>
  z
    .string({ error: issue => (issue.input === undefined ? 'is required' : 'must be a string (quote it)') })
    .check(z.minLength(1, 'must not be empty'), z.maxLength(max, `must be at most ${max} characters`), z.refine(isOneLine, ONE_LINE))
const flag = z.boolean({ error: 'must be true or false' })
const api = z.enum(TRUNK_API_NAMES as [TrunkApi, ...TrunkApi[]], { error: `must be one of: ${TRUNK_API_NAMES.join(', ')}` })
const safeId = z.refine<string>(value => idProblem(value) === undefined, { error: issue => idProblem(String(issue.input)) ?? 'is not an id' })
const agentId = text(200).check(safeId)
const trunkId = text(200).check(safeId)

const numberEntry = z.strictObject({
  phone_number: z.pipe(
    z.string({
      error: issue =>
        issue.input === undefined ? 'is required' : 'must be a quoted string, e.g. "919876543210" (unquoted, YAML reads a number and drops a leading + or 0)'
    }),
    z.transform(value => value.trim())
  ),
  name: z.optional(text(255)),
  e164_check_enabled: z.optional(flag),
  destination_key: z.optional(text(64).check(z.regex(DESTINATION_KEY, 'must have no spaces (the called number as your carrier sends it)'))),
  // null: no agent answers it (the mapping is removed); left out: the mapping is left as it is.
  agent_id: z.optional(z.nullable(agentId))
})

const trunkSchema = z.strictObject({
  trunk_id: text(200).check(safeId),
  api: z.optional(api),
  prune: z.optional(flag),
  numbers: z.array(z.unknown(), { error: 'must be a list of numbers' })
})

/** The file without its entries: each trunk and each number is checked on its own (bounded: see MAX_PROBLEMS). */
const rootSchema = z.strictObject({
  version: z.literal(1, { error: 'must be 1' }),
  defaults: z.optional(z.strictObject({ api: z.optional(api), e164_check_enabled: z.optional(flag) })),
  trunks: z.array(z.unknown(), { error: 'must be a list of trunks' }).check(z.minLength(1, 'must list at least one trunk'))
})

/** Problems collected in full; past it they are only counted ("and N more"). */
export const MAX_PROBLEMS = 1_000

const fileSchema = z.strictObject({
  version: z.literal(1, { error: 'must be 1' }),
  defaults: z.optional(z.strictObject({ api: z.optional(api), e164_check_enabled: z.optional(flag) })),
  trunks: z
    .array(
      z.strictObject({
        trunk_id: trunkId,
        api: z.optional(api),
        prune: z.optional(flag),
        numbers: z.array(numberEntry, { error: 'must be a list of numbers' })
      }),
      { error: 'must be a list of trunks' }
    )
    .check(z.minLength(1, 'must list at least one trunk'))
})

/** Why the file's rules refuse this value for the field ("must be one line…"), or undefined: for export, which writes only what applies again. */
export function fieldProblem(field: 'trunk_id' | 'name' | 'agent_id' | 'destination_key', value: string): string | undefined {
  const schema = field === 'trunk_id' ? trunkId : numberEntry.shape[field]
  const result = schema.safeParse(value)
  return result.success ? undefined : (result.error.issues[0]?.message ?? 'is refused')
}

/**
 * The largest numbers file read: it is held in memory and parsed whole, and 5 MiB is room for
 * tens of thousands of numbers (about 70 bytes each).
 */
export const MAX_FILE_BYTES = 5 * 1024 * 1024

/**
 * The deepest nesting read. A numbers file has 5 levels (the file, its trunks, a trunk, its
 * numbers, a number); anything past MAX_DEPTH is refused before the parsers recurse into it.
 */
export const MAX_DEPTH = 20

const DEPTH_MESSAGE = `YAML: nested deeper than a numbers file can be (at most ${MAX_DEPTH} levels; the format itself uses 5)`

/** Reads and checks the whole file; every problem is reported, and nothing is written on any. */
export async function readNumbersFile(path: string, secrets: Secrets, defaultApi: TrunkApi): Promise<NumbersFileResult> {
  const bytes = await readBytes(path)
  if (!(bytes instanceof Uint8Array)) return { ok: false, problems: [bytes] }
  // Checked on the bytes too, before decoding: a file in another encoding that holds the key is still refused as holding it.
  const source = decodeUtf8(bytes)
  if (secrets.foundIn(typeof source === 'string' ? source : Buffer.from(bytes).toString('latin1'))) return holdsTheKey()
  if (typeof source !== 'string') return { ok: false, problems: [source] }
  const result = await parseNumbersFile(source, defaultApi)
  if (result.ok) {
    // The key written with YAML escapes ("\x41…") reads as the key: it would reach the plan, the outputs and the PR comment.
    return someText(result.desired, text => secrets.foundIn(text)) ? holdsTheKey() : result
  }
  // A problem quotes what the file says; an escaped key reads as the key there too.
  return { ...result, problems: result.problems.map(problem => ({ ...problem, message: secrets.redact(problem.message) })) }
}

function holdsTheKey(): NumbersFileResult {
  // Not echoed: every line that holds it would repeat the key in the log.
  return { ok: false, problems: [{ message: 'the numbers file contains the Bolna API key: remove it from the repository and rotate the key' }] }
}

/** True when any string in the value (iteratively: the value may be deep) passes the test. */
function someText(value: unknown, test: (text: string) => boolean): boolean {
  const stack: unknown[] = [value]
  while (stack.length > 0) {
    const item = stack.pop()
    if (typeof item === 'string') {
      if (test(item)) return true
    } else if (item && typeof item === 'object') {
      for (const child of Object.values(item)) stack.push(child)
    }
  }
  return false
}

/**
 * The file's bytes, or why it cannot be read: it must be a regular file (a named pipe would
 * block the read forever, a device never end) of at most MAX_FILE_BYTES. The kind and size
 * are checked before opening, and again on the opened file, which is read no further than
 * the limit: a file swapped or grown in between is refused all the same.
 */
async function readBytes(path: string): Promise<Uint8Array | FileProblem> {
  let info: Stats
  try {
    info = await stat(path)
  } catch (error) {
    return cannotRead(error)
  }
  const refused = refusal(info)
  if (refused) return refused
  let file: Awaited<ReturnType<typeof open>>
  try {
    // Non-blocking: opening a named pipe that took the file's place must not wait for a writer.
    file = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
  } catch (error) {
    return cannotRead(error)
  }
  try {
    const opened = await file.stat()
    const refusedNow = refusal(opened)
    if (refusedNow) return refusedNow
    const chunks: Buffer[] = []
    let size = 0
    for (;;) {
      // One read for a file as large as it was, and never further than one byte past the limit.
      const chunk = Buffer.allocUnsafe(Math.min(MAX_FILE_BYTES + 1 - size, Math.max(64 * 1024, opened.size + 1 - size)))
      const { bytesRead } = await file.read(chunk, 0, chunk.length, size)
      if (bytesRead === 0) break
      chunks.push(chunk.subarray(0, bytesRead))
      size += bytesRead
      if (size > MAX_FILE_BYTES) return tooLarge(undefined)
    }
    return Buffer.concat(chunks, size)
  } catch (error) {
    return cannotRead(error)
  } finally {
    await file.close()
  }
}

function refusal(info: Stats): FileProblem | undefined {
  if (!info.isFile()) return { message: `cannot read the numbers file: it is ${kindOf(info)}, not a regular file` }
  return info.size > MAX_FILE_BYTES ? tooLarge(info.size) : undefined
}

function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a folder'
  if (info.isFIFO()) return 'a named pipe (FIFO)'
  if (info.isSocket()) return 'a socket'
  if (info.isCharacterDevice()) return 'a character device'
  if (info.isBlockDevice()) return 'a block device'
  return 'not a file'
}

function tooLarge(size: number | undefined): FileProblem {
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`
  const is = size === undefined ? `is larger than ${mib(MAX_FILE_BYTES)}` : `is ${mib(size)} (${size} bytes)`
  return {
    message: `the numbers file ${is}; a numbers file can be at most ${mib(MAX_FILE_BYTES)} (${MAX_FILE_BYTES} bytes), room for tens of thousands of numbers: split it, or check that this is the right file`
  }
}

function cannotRead(error: unknown): FileProblem {
  const code = (error as { code?: string }).code
  const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (code ?? 'unreadable')
  return { message: `cannot read the numbers file: ${why}` }
}

/**
 * The bytes as UTF-8 text (a leading byte order mark is dropped), or the first line that is not
 * UTF-8: a file saved as Latin-1 would otherwise send "Caf\uFFFD" for "Café".
 */
function decodeUtf8(bytes: Uint8Array): string | FileProblem {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)
    if (utf16) return { line: 1, message: 'the numbers file is UTF-16 text: save it as UTF-8' }
    // A newline byte is never part of a multi-byte character, so each line decodes alone.
    const lines = new TextDecoder('utf-8', { fatal: true })
    let start = 0
    for (let line = 1; start <= bytes.length; line++) {
      const end = bytes.indexOf(0x0a, start)
      const stop = end < 0 ? bytes.length : end
      try {
        lines.decode(bytes.subarray(start, stop))
      } catch {
        return { line, message: `line ${line} is not UTF-8 text (Latin-1 or Windows-1252, say): save the numbers file as UTF-8` }
      }
      start = stop + 1
    }
    return { message: 'the numbers file is not UTF-8 text: save it as UTF-8' }
  }
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
  try {
    return await parseChecked(source, defaultApi)
  } catch (error) {
    // The nesting checks keep the parsers' recursion shallow; should one still overflow the stack, say why.
    if (error instanceof RangeError) return { ok: false, problems: [{ message: DEPTH_MESSAGE }] }
    throw error
  }
}

async function parseChecked(source: string, defaultApi: TrunkApi): Promise<NumbersFileResult> {
  let positions: Positions | undefined
  const quick = quickLoad(source)
  if ('tooDeep' in quick) return { ok: false, problems: [{ ...(quick.tooDeep !== undefined && { line: quick.tooDeep }), message: DEPTH_MESSAGE }] }
  let value: unknown
  if ('value' in quick) {
    value = quick.value
  } else {
    const deep = await tooDeepAt(source)
    if (deep !== undefined) return { ok: false, problems: [{ line: deep, message: DEPTH_MESSAGE }] }
    positions = await readPositions(source)
    if ('problems' in positions) return { ok: false, problems: positions.problems }
    value = positions.value
  }
  const checked = checkFile(value, defaultApi)
  if ('desired' in checked) return { ok: true, desired: checked.desired, trunkLines: trunkLinesOf(source, checked.desired, positions) }
  positions ??= checked.more > 0 ? await readPositionsOfStart(source, checked.findings) : await readPositions(source)
  if ('problems' in positions) return { ok: false, problems: positions.problems }
  const { lineOf } = positions
  const problems = checked.findings.map(f => ({
    line: lineOf(f.path, f.key),
    message: f.first ? `${f.message} (first on line ${lineOf(f.first)})` : f.message
  }))
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0))
  // Said first, so that it is among the problems annotated and summed up.
  if (checked.more === 0) return { ok: false, problems }
  problems.unshift({ line: undefined, message: `and ${checked.more} more problem(s) of the same kinds: only the first ${MAX_PROBLEMS} are listed` })
  return { ok: false, problems, total: checked.findings.length + checked.more }
}

/**
 * js-yaml (YAML 1.2 core schema), for plain files; `failed` sends the file down the careful
 * path. Nesting past MAX_DEPTH is refused here, with the line where it went too deep.
 */
function quickLoad(source: string): { value: unknown } | { failed: true } | { tooDeep: number | undefined } {
  if (/[&*!]/.test(source)) return { failed: true }
  try {
    return { value: load(source, { schema: CORE_SCHEMA, maxDepth: MAX_DEPTH }) }
  } catch (error) {
    const { reason, mark } = error as { reason?: unknown; mark?: { line?: unknown } }
    if (typeof reason === 'string' && reason.startsWith('nesting exceeded maxDepth')) {
      return { tooDeep: typeof mark?.line === 'number' ? mark.line + 1 : undefined }
    }
    return { failed: true }
  }
}

/**
 * The line where the file nests deeper than MAX_DEPTH, from one pass over the `yaml` lexer's
 * tokens, before its parser (whose time and recursion grow with the depth: a file of 100,000
 * "[" would take it minutes, or all the memory). Counted: the open flow collections, and the
 * block nodes open above each node that starts a line (at its indentation, and after each `- `,
 * `? ` or `: ` that leads the line). A standard numbers file counts 5. A key's value on the
 * key's own line is not counted, so this may read one level short on a line, no more.
 */
async function tooDeepAt(source: string): Promise<number | undefined> {
  const { Lexer } = await import('yaml')
  /** The columns of the block nodes open at this point, outermost first. */
  const open: number[] = []
  let flow = 0
  let line = 1
  let column = 0
  /** Still in the line's leading run: indentation, anchors, tags and block indicators. */
  let leading = true
  let scalarNext = false
  let blockScalar = false
  for (const token of new Lexer().lex(source)) {
    const at = column
    const tokenLine = line
    const lastNewline = token.lastIndexOf('\n')
    // The lexer's own markers (document start, scalar, flow end, byte order mark) take no room in the line.
    if (CONTROL_TOKENS.includes(token)) {
      // no width
    } else if (lastNewline < 0) {
      column += token.length
    } else {
      for (let i = token.indexOf('\n'); i >= 0; i = token.indexOf('\n', i + 1)) line++
      column = token.length - lastNewline - 1
    }
    const block = leading && flow === 0
    const first = token[0]
    if (scalarNext) {
      // A block scalar's text: its lines, and their indentation, are all inside it; no node starts there.
      if (block && !blockScalar) place(open, at)
      scalarNext = false
      blockScalar = false
      leading = false
    } else if (token === '\x1f') {
      scalarNext = true
    } else if (token === '-' || token === '?' || token === ':') {
      if (block) place(open, at)
    } else if (first === '[' || first === '{') {
      // Counted as flow; it still closes the block nodes indented deeper.
      if (block) close(open, at)
      flow++
      leading = false
    } else if (first === ']' || first === '}') {
      flow = Math.max(0, flow - 1)
    } else if (token === '\x18') {
      // The lexer left an unclosed flow collection at a line indented less than it.
      flow = 0
    } else if (first === '"' || first === "'" || first === '*' || first === '|' || first === '>') {
      if (block) place(open, at)
      blockScalar = first === '|' || first === '>'
      leading = false
    }
    if (open.length + flow > MAX_DEPTH) return tokenLine
    if (lastNewline >= 0 && lastNewline === token.length - 1) leading = true
  }
  return undefined
}

const CONTROL_TOKENS = ['\x02', '\x18', '\x1f', '\ufeff']

function close(open: number[], column: number): void {
  while (open.length > 0 && (open.at(-1) ?? 0) > column) open.pop()
}

/** A block node starting at `column`: it closes the nodes at deeper columns, and opens a level unless a sibling is open there. */
function place(open: number[], column: number): void {
  close(open, column)
  if (open.length === 0 || (open.at(-1) ?? 0) < column) open.push(column)
}

/**
 * The trunks' lines, for the annotations of warnings: from the `yaml` document's node positions,
 * parsed only when asked (a clean file is read by js-yaml, which keeps none), and only as far into
 * the file as holds the last `trunk_id` asked for: the `yaml` document of a whole 50,000-number file takes
 * about 200 MiB, and a trunk's line is mostly near the top. Trunk ids are unique in a valid file.
 */
function trunkLinesOf(source: string, desired: DesiredState, known?: Positions): TrunkLines {
  return async trunkIds => {
    const asked = trunkIds && new Set(trunkIds)
    const wanted = desired.trunks.flatMap(({ trunk }, t) => (!asked || asked.has(trunk.id) ? [{ id: trunk.id, t }] : []))
    const found = new Map<string, number>()
    const last = wanted.at(-1)
    if (!last) return found
    const positions = known ?? (await readPositionsUpTo(source, ['trunks', last.t, 'trunk_id']))
    if ('problems' in positions) return found
    for (const { id, t } of wanted) {
      const line = positions.lineOf(['trunks', t, 'trunk_id'])
      if (line !== undefined) found.set(id, line)
    }
    return found
  }
}

const STACK_OVERFLOW = /maximum call stack size exceeded|stack overflow/i

type Positions = { value: unknown; lineOf: (path: Path, key?: string) => number | undefined } | { problems: FileProblem[] }

/** The `yaml` library's reading: every syntax problem with its line, and the line of any node. */
async function readPositions(source: string, partial = false): Promise<Positions> {
  const { LineCounter, parseDocument } = await import('yaml')
  const lines = new LineCounter()
  // logLevel 'error': a key that is a collection is reported by the schema check, not as a Node warning on stderr.
  const doc = parseDocument(source, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, logLevel: 'error' })
  const lineAt = (offset: number | undefined) => (offset === undefined ? undefined : lines.linePos(offset).line)
  // The start of a file already read whole: its cut end is no problem, and only positions are wanted.
  if (partial) return { value: undefined, lineOf: lineFinder(doc, lineAt) }
  if (doc.errors.length > 0) {
    // The parser catches a stack overflow as a problem of its own: say why it overflowed.
    if (doc.errors.some(e => STACK_OVERFLOW.test(e.message))) return { problems: [{ message: DEPTH_MESSAGE }] }
    return { problems: doc.errors.map(e => ({ line: lineAt(e.pos[0]), message: `YAML: ${firstLine(e.message)}` })) }
  }
  let value: unknown
  try {
    value = doc.toJS({ maxAliasCount: 100 })
  } catch (error) {
    if (error instanceof RangeError) return { problems: [{ message: DEPTH_MESSAGE }] }
    // An alias to no anchor, or too many aliases (a "billion laughs" file).
    return { problems: [{ message: `YAML: ${firstLine((error as Error).message)}` }] }
  }
  return { value, lineOf: lineFinder(doc, lineAt) }
}

function lineFinder(doc: Document, lineAt: (offset: number | undefined) => number | undefined): (path: Path, key?: string) => number | undefined {
  return (path, key) => {
    const keyLine = key === undefined ? undefined : lineAt(keyRange(doc, path, key)?.[0])
    if (keyLine !== undefined) return keyLine
    // The node itself, or the nearest enclosing one that exists (a missing key's parent).
    for (let up = path.length; up >= 0; up--) {
      const line = lineAt(nodeRange(doc, path.slice(0, up))?.[0])
      if (line !== undefined) return line
    }
    return undefined
  }
}

/**
 * Positions for the first MAX_PROBLEMS findings of a file with more: only as much of the file as
 * holds them is read (see readPositionsUpTo). A 5 MB file of bad entries needs its first few hundred KiB.
 */
function readPositionsOfStart(source: string, findings: readonly Finding[]): Promise<Positions> {
  const last = findings.at(-1)?.path ?? []
  return readPositionsUpTo(source, last.slice(0, Math.min(last.length, 4)))
}

/**
 * Positions of the nodes up to `entry` (a node's path): only as much of the file as holds it is read by
 * the (slower) `yaml` parser, growing the part until the node ends inside it; the whole file when it never does.
 */
async function readPositionsUpTo(source: string, entry: Path): Promise<Positions> {
  const { parseDocument } = await import('yaml')
  for (let size = 64 * 1024; size < source.length; size *= 4) {
    const cut = source.indexOf('\n', size)
    if (cut < 0) break
    const start = source.slice(0, cut + 1)
    const node = parseDocument(start, { uniqueKeys: true, prettyErrors: false }).getIn(entry, true) as { range?: number[] } | undefined
    const end = node?.range?.[2]
    if (end !== undefined && end < start.length - 1) return readPositions(start, true)
  }
  return readPositions(source)
}

/**
 * The whole file against the schema, and the number rules on every entry whose number
 * reads as text: all problems at once, not the shape's first and the numbers' next time.
 */
function checkFile(value: unknown, defaultApi: TrunkApi): { desired: DesiredState } | { findings: Finding[]; more: number } {
  const shape = new Findings()
  const checkPart = (schema: z.ZodMiniType, part: unknown, at: Path) => {
    const parsed = schema.safeParse(part)
    if (parsed.success) return
    for (const issue of parsed.error.issues) {
      const path = [...at, ...issue.path.filter((p): p is string | number => typeof p !== 'symbol')]
      if (issue.code !== 'unrecognized_keys') shape.add({ path, message: `${describe(path)} ${issue.message}` })
      else
        for (const key of issue.keys)
          shape.add({ path, key, message: `${describe([...path, key])}: unknown key (allowed here: ${allowedKeys(path).join(', ')})` })
    }
  }
  // Part by part, not the whole file at once: a file of 130,000 bad entries makes as many issues,
  // which a whole-file check gathers by spreading them into one call (a stack overflow).
  checkPart(rootSchema, value, [])
  const trunks = Array.isArray((value as { trunks?: unknown } | null)?.trunks) ? (value as { trunks: unknown[] }).trunks : []
  trunks.forEach((trunk, t) => {
    checkPart(trunkSchema, trunk, ['trunks', t])
    const entries = (trunk as { numbers?: unknown } | null)?.numbers
    if (Array.isArray(entries)) for (const [n, entry] of entries.entries()) checkPart(numberEntry, entry, ['trunks', t, 'numbers', n])
  })
  if (shape.count === 0) {
    const parsed = fileSchema.safeParse(value)
    if (parsed.success) return checkNumbers(parsed.data, defaultApi, shape)
  }
  const numbers = checkNumbers(looseShape(value), defaultApi, shape)
  return 'findings' in numbers ? numbers : { findings: shape.list, more: shape.count - shape.list.length }
}

/** Findings, the first MAX_PROBLEMS of them kept, the rest counted. */
class Findings {
  readonly list: Finding[] = []
  count = 0
  add(finding: Finding): void {
    this.count++
    if (this.list.length < MAX_PROBLEMS) this.list.push(finding)
  }
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
function checkNumbers(
  file: NumbersShape,
  defaultApi: TrunkApi,
  found: Findings = new Findings()
): { desired: DesiredState } | { findings: Finding[]; more: number } {
  const findings = { push: (f: Finding) => found.add(f) }
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
      const keyProblem = entry.destination_key !== undefined ? destinationKeyProblem(api) : undefined
      if (keyProblem)
        findings.push({ path: ['trunks', t, 'numbers', n, 'destination_key'], message: `trunks[${t}].numbers[${n}].destination_key ${keyProblem}` })
      const e164CheckEnabled = entry.e164_check_enabled ?? file.defaults?.e164_check_enabled ?? false
      const parsed = numberToSend(written, e164CheckEnabled)
      if ('problem' in parsed) {
        findings.push({ path, message: `${where} ${parsed.problem}` })
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
  return found.count > 0 ? { findings: found.list, more: found.count - found.list.length } : { desired }
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
