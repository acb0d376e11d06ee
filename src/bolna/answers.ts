import * as z from 'zod/mini'
import { BolnaApiError } from './errors.js'

/**
 * The answer read through its schema, or a `bad-answer` error naming the call and the field.
 * Only a 2xx answer is read: a create that answered nonsense was stored (accepted), and its
 * record is not known.
 */
export function validAnswer<T>(schema: z.ZodMiniType<T>, body: unknown, method: string, path: string): T {
  const parsed = schema.safeParse(body)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const where = issue?.path.length ? ` at ${issue.path.join('.')}` : ''
  throw new BolnaApiError(`${method} ${path} answered with an unexpected body${where}: ${issue?.message ?? 'invalid'}`, {
    kind: 'bad-answer',
    method,
    path,
    retryable: false,
    ambiguous: method === 'POST',
    accepted: true
  })
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
