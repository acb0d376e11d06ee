/**
 * The plan and the results as text, Markdown and JSON: pure functions, no I/O. report.ts
 * writes what these return.
 */
import type { ApplyResult } from './apply.js'
import { TRUNK_APIS } from './bolna/port.js'
import type { AgentOnNumber, TrunkNumber, TrunkRef } from './bolna/port.js'
import type { Change, Difference, Plan } from './plan.js'
import { quote, quoteUpTo, visible, visibleLines } from './text.js'

/**
 * Where GitHub would make a link of plain text: the `:` of `https://` (a bare URL), the `www`
 * of `www.`, an `@` (a mention, a team, an e-mail address), a `#` or `GH` before an issue
 * number. A zero-width space (U+200B, written `&#8203;`) goes after each: the text renders the
 * same, and nothing in it links.
 */
const LINK_START = /:(?=\/\/)|www(?=\.)|@|#(?=\d)|\bGH(?=-\d)/gi

/** How much of one value a table cell shows (the whole value is in the outputs and files). */
export const CELL_MAX = 100

/** Text of the action's own, safe inside an HTML table cell (core.summary.addTable does not escape): no HTML, no link, nothing invisible. */
export function html(value: string | null | undefined): string {
  return visibleLines(value ?? '', 4 * 1024)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\r\n]+/g, ' ')
    .replace(LINK_START, '$&&#8203;')
}

/** An outside value (a name, an id…) in an HTML table cell: at most CELL_MAX characters, escaped (see text.ts's `visible`). */
export function valueHtml(value: string | null | undefined): string {
  return html(visible(value, CELL_MAX))
}

/**
 * Text of the action's own, safe inside a Markdown table cell of a summary or PR comment: no HTML, no
 * links or images (bare URLs included), no emphasis, and no @mention of anyone.
 */
export function cell(value: string | null | undefined): string {
  return html(value)
    .replace(/[\\|[\]()!*_`~]/g, '\\$&')
    .replace(/@/g, '&#64;')
}

function agentName(agent: AgentOnNumber): string {
  if (agent.kind === 'agent') return quote(agent.id)
  return agent.kind === 'none' ? 'none' : '(not shown by Bolna: it will be set)'
}

function differenceText(d: Difference): string {
  const fix =
    d.why ??
    (d.field === 'name'
      ? 'not renamed: set on_name_change: replace to remove and re-add it'
      : 'not changed: no endpoint changes it; remove and re-add the number')
  return `${d.field} in Bolna ${quote(d.bolna)}, file says ${quote(d.file)} (${fix})`
}

/**
 * A change as `terraform plan` lines: `+` add, `-` remove, `~` a change this run makes, `!` a
 * difference this run cannot change (with why), `=` an unlisted number left alone. None when
 * nothing differs.
 */
export function changeLines(change: Change): string[] {
  switch (change.action) {
    case 'add': {
      const { want } = change
      const name = want.name !== undefined ? ` name ${quote(want.name)}` : ''
      const key = want.destinationKey !== undefined ? ` destination_key ${quote(want.destinationKey)}` : ''
      const to = want.agentId ? ` agent ${quote(want.agentId)}` : ''
      return [`+ ${quote(TRUNK_APIS[change.trunk.api].spelling(want.e164, want.withPlus))}${name}${key}${to}`]
    }
    case 'replace': {
      const { number, want } = change
      const agent = change.agentAfter ? `, agent ${quote(change.agentAfter)}` : ''
      return [
        `-/+ ${quote(number.stored)} (id ${quote(number.id)}) renamed ${quote(number.name)} -> ${quote(want.name)}: removed and added back${agent}`,
        ...healingLines(change)
      ]
    }
    case 'remove':
      return [
        `- ${quote(change.number.stored)} (id ${quote(change.number.id)}${change.number.name ? `, name ${quote(change.number.name)}` : ''}, ${change.why})`
      ]
    case 'leave':
      return [`${change.drift ? '!' : '='} ${quote(change.number.stored)} (id ${quote(change.number.id)}, ${change.why})`]
    case 'keep': {
      const n = quote(change.number.stored)
      const lines = healingLines(change)
      if (change.agent) lines.push(`~ ${n} agent ${agentName(change.agent.from)} -> ${change.agent.to === null ? 'none' : quote(change.agent.to)}`)
      for (const d of change.differences) lines.push(`! ${n} ${differenceText(d)}`)
      return lines
    }
  }
}

/** For a number held by several records: which record stays, and why. */
function healingLines(change: Extract<Change, { action: 'keep' | 'replace' }>): string[] {
  if (!change.healed) return []
  const { number, healed } = change
  return [`~ ${quote(number.stored)} keeps the record with id ${quote(number.id)} (${healed.why}); ${healed.duplicates} duplicate record(s) removed`]
}

/** The plan for the log: a heading per trunk, its notes, one line per change. */
export function planLines(plan: Plan): string[] {
  const lines: string[] = []
  let trunk: string | undefined
  const notes = Map.groupBy(plan.notes, note => note.trunkId)
  for (const change of plan.changes) {
    const changed = changeLines(change)
    if (changed.length === 0) continue
    if (change.trunk.id !== trunk) {
      trunk = change.trunk.id
      lines.push(trunkHeading(change.trunk), ...(notes.get(trunk) ?? []).map(note => `  # ${note.text}`))
    }
    lines.push(...changed.map(line => `  ${line}`))
  }
  return lines
}

function trunkHeading(trunk: TrunkRef): string {
  return `trunk ${quote(trunk.id)} (${trunk.api})`
}

export function planTotals(plan: Plan): string {
  const c = plan.counts
  const extras = [
    c.duplicates && `${c.duplicates} duplicate record(s) of ${c.duplicateNumbers} number(s) to remove, each number keeping one`,
    c.replace && `${c.replace} to remove and add back with a new name`,
    c.agentChanges && `${c.agentChanges} agent mapping(s) to change`,
    c.agentUnknown && `${c.agentUnknown} mapping(s) Bolna does not show, to be set`,
    c.differ && `${c.differ} with a difference this run cannot change`,
    c.pruneHeld && `${c.pruneHeld} unlisted on a prune: true trunk, kept`,
    c.leftAlone - c.pruneHeld && `${c.leftAlone - c.pruneHeld} unlisted left alone`
  ].filter(Boolean)
  return `Plan: ${c.add} to add, ${c.remove} to remove, ${c.unchanged} unchanged${extras.length ? ` (${extras.join(', ')})` : ''}.`
}

/**
 * The plan as Markdown, for the job summary and the PR comment: the first `maxRows` changes, and
 * no more than `maxBytes` in all (counted in UTF-8 bytes, as GitHub counts), saying where the rest are.
 */
export function planMarkdown(plan: Plan, file: string, maxRows = Number.POSITIVE_INFINITY, maxBytes = Number.POSITIVE_INFINITY): string {
  const rows = plan.changes.flatMap(change =>
    changeLines(change).map(line => {
      const [symbol = '', ...rest] = line.split(' ')
      return `| ${cell(visible(change.trunk.id, CELL_MAX))} | \`${symbol}\` | ${cell(rest.join(' '))} |`
    })
  )
  const heading = `### Bolna numbers: plan for \`${visible(file, CELL_MAX).replace(/`/g, "'")}\`\n\n**${planTotals(plan)}**\n\n`
  // The notes take at most half of what is left; the rows the rest (the last row, and the table's frame, are counted in the margin).
  const margin = 400
  const notes = within(
    plan.notes.map(note => `> Trunk ${cell(quoteUpTo(note.trunkId, CELL_MAX))}: ${cell(note.text)}.\n\n`),
    (maxBytes - byteLength(heading) - margin) / 2,
    plan.notes.length
  )
  if (notes.cut > 0) notes.shown.push(`> …and ${notes.cut} more notes: see the \`plan_file\` output.\n\n`)
  const shown = within(rows, maxBytes - byteLength(heading) - byteLength(notes.shown.join('')) - margin, maxRows)
  if (shown.cut > 0) shown.shown.push(`| | | …and ${shown.cut} more: see the job summary or the \`plan_file\` output |`)
  const table = rows.length ? ['| Trunk | | Change |', '| --- | --- | --- |', ...shown.shown].join('\n') : '_No changes: Bolna matches the file._'
  const body = rows.length > 20 ? `<details><summary>${rows.length} changes</summary>\n\n${table}\n\n</details>` : table
  return `${heading}${notes.shown.join('')}${body}\n`
}

export const byteLength = (text: string): number => Buffer.byteLength(text)

/** The first items that fit in `maxBytes` (each counted with one byte more, for its separator), at most `maxItems`, and how many did not. */
export function within(items: readonly string[], maxBytes: number, maxItems = Number.POSITIVE_INFINITY): { shown: string[]; cut: number } {
  const shown: string[] = []
  let size = 0
  for (const item of items) {
    size += byteLength(item) + 1
    if (size > maxBytes || shown.length >= maxItems) break
    shown.push(item)
  }
  return { shown, cut: items.length - shown.length }
}

/** An agent as the outputs carry it: its id, null for none, or "unknown" where Bolna does not show it. */
function agentJson(agent: AgentOnNumber): string | null {
  if (agent.kind === 'unknown') return 'unknown'
  return agent.kind === 'agent' ? agent.id : null
}

/** The plan as the `plan` output carries it. */
export function planJson(plan: Plan): object {
  const c = plan.counts
  return {
    counts: {
      add: c.add,
      remove: c.remove,
      duplicates: c.duplicates,
      duplicate_numbers: c.duplicateNumbers,
      replace: c.replace,
      unchanged: c.unchanged,
      differ: c.differ,
      agent_changes: c.agentChanges,
      agent_unknown: c.agentUnknown,
      left_alone: c.leftAlone,
      prune_held: c.pruneHeld
    },
    notes: plan.notes.map(note => ({ trunk_id: note.trunkId, note: note.text })),
    changes: plan.changes.map(change => {
      const trunk = { trunk_id: change.trunk.id, trunk_api: change.trunk.api }
      if (change.action === 'remove' || change.action === 'leave') {
        return { action: change.action, ...trunk, phone_number: change.number.stored, number_id: change.number.id, name: change.number.name, why: change.why }
      }
      if (change.action === 'replace') {
        const { number, want } = change
        return {
          action: 'replace',
          ...trunk,
          phone_number: number.stored,
          number_id: number.id,
          name_in_bolna: number.name,
          name: want.name ?? null,
          agent_after: change.agentAfter,
          ...(change.healed && { kept_because: change.healed.why, duplicates: change.healed.duplicates })
        }
      }
      const number = change.action === 'keep' ? change.number : undefined
      return {
        action: change.action,
        ...trunk,
        phone_number: number?.stored ?? TRUNK_APIS[change.trunk.api].spelling(change.want.e164, change.want.withPlus),
        number_id: number?.id ?? null,
        name: change.want.name ?? null,
        ...(change.action === 'keep' && change.differences.length > 0 && { differences: change.differences }),
        ...(change.action === 'keep' && change.healed && { kept_because: change.healed.why, duplicates: change.healed.duplicates }),
        ...(number && { agent_in_bolna: agentJson(number.agent) }),
        ...(change.want.agentId !== undefined && {
          agent_id: change.want.agentId,
          agent_change: change.agent ? { from: agentJson(change.agent.from), to: change.agent.to } : null
        })
      }
    })
  }
}

/** A number as the single-mode `number` output carries it: the same fields whatever the trunk's family. */
export function numberJson(number: TrunkNumber, trunk: TrunkRef): object {
  return {
    id: number.id,
    trunk_id: trunk.id,
    trunk_api: trunk.api,
    phone_number: number.stored,
    e164: number.e164,
    name: number.name,
    agent_id: agentJson(number.agent),
    destination_key: number.destinationKey,
    created_at: number.createdAt
  }
}

/** The results as the `results` output carries them. */
export function resultsJson(results: readonly ApplyResult[]): object[] {
  return results.map(({ number: _number, change: _change, ...result }) => result)
}
