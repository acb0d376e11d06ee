import type * as z from 'zod/mini'

/**
 * An answer checked field by field against the zod schema the client parses it with: which of
 * the fields the action reads were found, missing or of another type, and which fields it does
 * not know. The contract check (src/contract.ts) shows all of it; a normal run notices drift
 * from it (drift.ts). The schema is walked as it is, so a field added to a schema is checked too.
 */

export type FieldState = 'found' | 'missing' | 'other type'

export interface FieldCheck {
  /** The field's path: `phone_numbers[].name`, `[].id` for the items of a list. */
  field: string
  state: FieldState
  /** The action cannot read the answer without it (its schema does not accept it absent). */
  required: boolean
  /** Records that held the field (with a value the schema reads) / records checked. */
  found: number
  of: number
  /** Records whose field was null (which the schema reads, as "not set"). */
  nulls: number
  /** The field holds an object or a list, checked field by field below it. */
  container: boolean
  /** The first value found, or (state 'other type') the first value of another type. */
  sample?: unknown
}

export interface ShapeCheck {
  fields: FieldCheck[]
  /** Fields the answer carried that are neither read nor in `known` (for prefixes `known` lists). */
  unknown: string[]
}

/** Documented fields the action does not read, by prefix ('' for the top, `numbers[].` for a list's records). */
export type KnownFields = Readonly<Record<string, readonly string[]>>

// biome-ignore lint/suspicious/noExplicitAny: zod's internal definitions, read only to walk a schema
type Def = any
type Schema = z.ZodMiniType

const defOf = (schema: Schema): Def => (schema as unknown as { _zod: { def: Def } })._zod.def

/** The schema under optional / nullable / default wrappers. */
function core(schema: Schema): Schema {
  let current = schema
  for (let def = defOf(current); ['optional', 'nullable', 'default', 'prefault', 'nonoptional', 'readonly'].includes(def.type); def = defOf(current)) {
    current = def.innerType
  }
  return current
}

/**
 * Checks `value` against `schema`, looking at no more than `limit` records of each list (a normal
 * run samples; the contract check reads them all). A pipe (a list in an envelope) is read through
 * its own transform first.
 */
export function checkShape(schema: Schema, value: unknown, known: KnownFields = {}, limit = Number.POSITIVE_INFINITY): ShapeCheck {
  const out: ShapeCheck = { fields: [], unknown: [] }
  let root = core(schema)
  let input = value
  if (defOf(root).type === 'pipe') {
    const piped = (defOf(root).in as Schema).safeParse(value)
    input = piped.success ? piped.data : value
    root = core(defOf(root).out)
  }
  const def = defOf(root)
  if (def.type === 'array') {
    const items = Array.isArray(input) ? input.slice(0, limit) : []
    walkItems(def.element, items, '[]', known, limit, out)
  } else if (def.type === 'object') {
    walkObject(root, isRecord(input) ? [input] : [], '', known, limit, out)
  }
  return out
}

function walkItems(element: Schema, items: unknown[], prefix: string, known: KnownFields, limit: number, out: ShapeCheck): void {
  const inner = core(element)
  if (defOf(inner).type === 'object') walkObject(inner, items.filter(isRecord), `${prefix}.`, known, limit, out)
}

function walkObject(schema: Schema, records: Record<string, unknown>[], prefix: string, known: KnownFields, limit: number, out: ShapeCheck): void {
  const shape = defOf(schema).shape as Record<string, Schema>
  const list = known[prefix]
  if (list) {
    const seen = new Set<string>()
    for (const record of records) {
      for (const key of Object.keys(record)) if (!(key in shape) && !list.includes(key)) seen.add(`${prefix}${key}`)
    }
    out.unknown.push(...seen)
  }
  for (const [key, field] of Object.entries(shape)) {
    const inner = core(field)
    const kind = defOf(inner).type
    const container = kind === 'object' || kind === 'array'
    const required = !field.safeParse(undefined).success
    const check: FieldCheck = { field: `${prefix}${key}`, state: 'found', required, found: 0, of: records.length, nulls: 0, container }
    const nested: unknown[] = []
    let missing = 0
    let wrong = 0
    for (const record of records) {
      const v = record[key]
      if (v === undefined) {
        missing++
        continue
      }
      // A nested object or list is checked for its kind here and field by field below, so one
      // missing field deep inside is reported as itself, not as its container of another type.
      const ok = v === null ? field.safeParse(null).success : kind === 'object' ? isRecord(v) : kind === 'array' ? Array.isArray(v) : field.safeParse(v).success
      if (!ok) {
        if (wrong++ === 0) check.sample = v
        continue
      }
      if (check.found++ === 0 && wrong === 0) check.sample = v
      if (v === null) check.nulls++
      if (v !== null && kind === 'object') nested.push(v)
      if (v !== null && kind === 'array') nested.push(...(v as unknown[]).slice(0, limit))
    }
    check.state = wrong > 0 ? 'other type' : missing > 0 ? 'missing' : 'found'
    out.fields.push(check)
    if (kind === 'object') walkObject(inner, nested.filter(isRecord), `${prefix}${key}.`, known, limit, out)
    if (kind === 'array') walkItems(defOf(inner).element, nested, `${prefix}${key}[]`, known, limit, out)
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The fields of a check that differ from what the action reads. */
export function drifted(check: ShapeCheck): Array<FieldCheck & { state: Exclude<FieldState, 'found'> }> {
  return check.fields.filter((f): f is FieldCheck & { state: Exclude<FieldState, 'found'> } => f.state !== 'found')
}
