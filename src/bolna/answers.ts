import * as z from 'zod/mini'
import { noteDrift } from './drift.js'
import { BolnaApiError } from './errors.js'
import { checkShape, drifted } from './shape.js'

/** Records of a list looked at for drift: the answer is parsed in full anyway, this only tells. */
const DRIFT_SAMPLE = 20

/**
 * The answer read through its schema, or a `bad-answer` error naming the call and the field.
 * Only a 2xx answer is read: a create that answered nonsense was stored (accepted), and its
 * record is not known. Fields of `documented` (by default the schema) that the answer lacks or holds
 * with another type are noted as drift (drift.ts), whether or not the answer could be read.
 */
export function validAnswer<T>(schema: z.ZodMiniType<T>, body: unknown, method: string, path: string, documented: z.ZodMiniType = schema): T {
  const parsed = schema.safeParse(body)
  // Drift is measured against the answer as Bolna documents it, where the action reads more shapes than that.
  const drift = drifted(checkShape(documented, body, {}, DRIFT_SAMPLE))
  for (const field of drift) noteDrift({ call: `${method} ${path}`, field: field.field, state: field.state })
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  // A record past the sample: the parser's own path names the field.
  if (drift.length === 0 && issue) noteDrift({ call: `${method} ${path}`, field: fieldOf(issue.path), state: 'other type' })
  throw badAnswer(method, path, issue?.path ?? [], issue?.message)
}

/** The `bad-answer` error of an answer that does not read: the call, the field at `where` and the parser's reason. */
function badAnswer(method: string, path: string, where: readonly PropertyKey[], reason = 'invalid'): BolnaApiError {
  const at = where.length ? ` at ${where.map(String).join('.')}` : ''
  return new BolnaApiError(`${method} ${path} answered with an unexpected body${at}: ${reason}`, {
    kind: 'bad-answer',
    method,
    path,
    retryable: false,
    ambiguous: method === 'POST',
    accepted: true
  })
}

/**
 * The records of a list already read through `validAnswer` (as unknowns), each read through `schema`
 * and turned at once into the action's own shape by `convert` (undefined: left out), so that the
 * schema's copy of a record is let go as soon as it is made: a trunk of 50,000 numbers is held as
 * parsed JSON and as the action's records, not a third time as checked copies. `at` is the list's
 * field in the answer; a record that does not read fails as validAnswer fails, naming it.
 */
export function validRecords<R, T>(
  schema: z.ZodMiniType<R>,
  list: readonly unknown[],
  at: readonly PropertyKey[],
  call: { method: string; path: string },
  convert: (record: R) => T | undefined
): T[] {
  const out: T[] = []
  for (let i = 0; i < list.length; i++) {
    const parsed = schema.safeParse(list[i])
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const where = [...at, i, ...(issue?.path ?? [])]
      noteDrift({ call: `${call.method} ${call.path}`, field: fieldOf(where), state: 'other type' })
      throw badAnswer(call.method, call.path, where, issue?.message)
    }
    const converted = convert(parsed.data)
    if (converted !== undefined) out.push(converted)
  }
  return out
}

/** `numbers.3.e164` as `numbers[].e164`. */
function fieldOf(path: readonly PropertyKey[]): string {
  return (
    path
      .map(part => (typeof part === 'number' ? '[]' : String(part)))
      .join('.')
      .replace(/\.\[\]/g, '[]') || '(the answer)'
  )
}

/** A list answer: a bare array, or the same array in a `{"data": [...]}` envelope (both are seen live). */
export function listAnswer<T extends z.ZodMiniType>(item: T) {
  return z.pipe(
    z.transform((value: unknown) => (isEnvelope(value) ? value.data : value)),
    z.array(item, { error: 'expected a list, or {"data": [...]}' })
  )
}

/** A list of trunks as far as the action reads it: their ids (both families list trunks this way). */
export const trunkIdList = listAnswer(z.looseObject({ id: z.string().check(z.minLength(1)) }))

function isEnvelope(value: unknown): value is { data: unknown[] } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Array.isArray((value as { data?: unknown }).data)
}
