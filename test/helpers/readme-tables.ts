// Reads the "## Inputs" and "## Outputs" tables of docs/reference.md (the input and output reference)
// and compares them with action.yml.

/** Where the reference lives, as messages name it. */
export const DOC = 'docs/reference.md'

export interface ReadmeRow {
  name: string
  /** The Inputs table's second column, without its backticks (`''` is the empty string). */
  default?: string
}

export interface ActionMetadata {
  inputs?: Record<string, { default?: unknown } | null>
  outputs?: Record<string, unknown>
}

/** The lines of the section under `## <heading>`, up to the next heading of level 1 or 2. */
export function section(markdown: string, heading: string): string[] {
  const lines = markdown.split(/\r?\n/)
  const start = lines.findIndex(line => line.trim() === `## ${heading}`)
  if (start < 0) throw new Error(`${DOC} has no "## ${heading}" section`)
  const rest = lines.slice(start + 1)
  const end = rest.findIndex(line => /^#{1,2} /.test(line))
  return end < 0 ? rest : rest.slice(0, end)
}

/** Splits a Markdown table row into its cells (a `\|` stays inside its cell). */
function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map(cell => cell.trim())
}

/** `x` → x; a code span of two backticks, `` `'…'` `` quoting, and `''` / `""` for the empty string are understood. */
function code(cell: string, what: string): string {
  const match = /^(`+)\s?(.*?)\s?\1$/.exec(cell)
  if (!match) throw new Error(`${what}: expected a value in backticks, got ${JSON.stringify(cell)}`)
  const text = match[2] ?? ''
  return text === "''" || text === '""' ? '' : text
}

/** The first table of a section: one row per line after the header and its separator. */
export function readmeTable(markdown: string, heading: string, options: { withDefault?: boolean } = {}): ReadmeRow[] {
  const lines = section(markdown, heading)
  const first = lines.findIndex(line => line.trim().startsWith('|'))
  if (first < 0) throw new Error(`${DOC}'s "## ${heading}" section has no table`)
  const table: string[] = []
  for (const line of lines.slice(first)) {
    if (!line.trim().startsWith('|')) break
    table.push(line)
  }
  const [, separator, ...rows] = table
  if (!separator || !cells(separator).every(cell => /^:?-+:?$/.test(cell))) throw new Error(`${DOC}'s "## ${heading}" table has no header separator`)
  return rows.map((row, i) => {
    const [name = '', second = ''] = cells(row)
    const where = `${DOC} "## ${heading}" row ${i + 1}`
    const parsed: ReadmeRow = { name: code(name, `${where}, first column`) }
    if (options.withDefault) parsed.default = code(second, `${where} (${parsed.name}), default column`)
    return parsed
  })
}

/** Every disagreement between the reference's tables and action.yml, as sentences; empty when they agree. */
export function compareReadmeWithAction(markdown: string, action: ActionMetadata): string[] {
  const problems: string[] = []
  const inputs = readmeTable(markdown, 'Inputs', { withDefault: true })
  const outputs = readmeTable(markdown, 'Outputs')

  const compareNames = (kind: string, documented: ReadmeRow[], declared: string[]) => {
    const names = documented.map(row => row.name)
    for (const name of names.filter((name, i) => names.indexOf(name) !== i)) problems.push(`${kind} "${name}" is listed twice in ${DOC}`)
    for (const name of declared.filter(name => !names.includes(name))) problems.push(`${kind} "${name}" is in action.yml but not in ${DOC}`)
    for (const name of names.filter(name => !declared.includes(name))) problems.push(`${kind} "${name}" is in ${DOC} but not in action.yml`)
  }
  compareNames('input', inputs, Object.keys(action.inputs ?? {}))
  compareNames('output', outputs, Object.keys(action.outputs ?? {}))

  for (const row of inputs) {
    const spec = action.inputs?.[row.name]
    if (spec === undefined) continue
    const declared = spec?.default === undefined || spec.default === null ? '' : String(spec.default)
    if (row.default !== declared) {
      problems.push(`input "${row.name}": ${DOC} says the default is ${JSON.stringify(row.default)}, action.yml says ${JSON.stringify(declared)}`)
    }
  }
  return problems
}
