import { TRUNK_APIS } from './bolna/port.js'
import type { AgentOnNumber, TrunkNumber, TrunkRef } from './bolna/port.js'
import { quote } from './text.js'

/** A number as the numbers file (or the single-number inputs) wants it. */
export interface DesiredNumber {
  /** As the user wrote it. */
  written: string
  /** Its identity. */
  e164: string
  /** The user wrote a leading "+" (legacy trunks store it so). */
  withPlus: boolean
  name?: string
  e164CheckEnabled: boolean
  /** `/trunk` only. */
  destinationKey?: string
  /** The agent to answer it; null: no agent; undefined: leave the mapping as it is. */
  agentId?: string | null
}

export interface DesiredTrunk {
  trunk: TrunkRef
  /** The file allows this trunk to lose numbers it does not list. */
  prune: boolean
  numbers: DesiredNumber[]
}

export interface DesiredState {
  trunks: DesiredTrunk[]
}

/** What each trunk holds, by trunk id. */
export type ActualState = ReadonlyMap<string, readonly TrunkNumber[]>

/** An agent mapping that must change; `from` is what Bolna shows today. */
export interface AgentChange {
  from: AgentOnNumber
  to: string | null
}

/** A field where Bolna holds something else and no endpoint changes it. */
export interface Difference {
  field: 'name' | 'destination_key'
  bolna: string | null
  file: string
  /** Why this run leaves it, where that is not the field's usual reason. */
  why?: string
}

export type Change =
  | { action: 'add'; trunk: TrunkRef; want: DesiredNumber; agent?: AgentChange }
  | { action: 'keep'; trunk: TrunkRef; want: DesiredNumber; number: TrunkNumber; agent?: AgentChange; differences: Difference[]; healed?: Healing }
  /** on_name_change: replace — remove the number and add it back with its new name and its agent. */
  | { action: 'replace'; trunk: TrunkRef; want: DesiredNumber; number: TrunkNumber; agentAfter: string | null; healed?: Healing }
  | { action: 'remove'; trunk: TrunkRef; number: TrunkNumber; why: 'not in the file' | 'duplicate record' }
  /** `drift`: the trunk says prune: true, so the number differs from the file though this run keeps it. */
  | { action: 'leave'; trunk: TrunkRef; number: TrunkNumber; why: string; drift: boolean }

/** A number held by several records: the one kept, why, and how many others are removed (duplicates, not numbers). */
export interface Healing {
  why: string
  duplicates: number
}

/** A change the apply answers with one result: every change but `leave`. */
export type WrittenChange = Exclude<Change, { action: 'leave' }>

/** What is written: the one place that decides which changes the apply answers (all but `leave`), in the plan's order. */
export function writtenChanges(plan: Plan): WrittenChange[] {
  return plan.changes.filter((change): change is WrittenChange => change.action !== 'leave')
}

/** What a rename does: report the difference, or remove and re-add the number (legacy trunks). */
export type OnNameChange = 'report' | 'replace'

export interface PlanCounts {
  add: number
  /** Numbers removed (unlisted records on a pruned trunk); duplicate records are counted apart. */
  remove: number
  /** Extra records of numbers that stay (healing): removed without counting against max_deletes. */
  duplicates: number
  /** How many numbers those duplicate records belong to. */
  duplicateNumbers: number
  /** Numbers removed and added back with a new name. */
  replace: number
  unchanged: number
  /** Numbers with a field that differs and cannot be changed in place. */
  differ: number
  /** Mappings Bolna shows and that will change. */
  agentChanges: number
  /** Mappings Bolna does not show (legacy records without agent_id): set, but not counted as drift. */
  agentUnknown: number
  leftAlone: number
  /** Unlisted numbers kept on a trunk that says prune: true (the prune input is off). */
  pruneHeld: number
}

/** Something worth saying once about a trunk (e.g. a field its family does not have). */
export interface PlanNote {
  trunkId: string
  text: string
}

export interface Plan {
  changes: Change[]
  notes: PlanNote[]
  counts: PlanCounts
}

/**
 * Why the plan may not be applied (it removes more than maxDeletes numbers), or undefined. Removing
 * the extra records of a number that stays never removes the number, so those are not counted.
 */
export function deleteLimitProblem(plan: Plan, maxDeletes: number): string | undefined {
  const { remove, replace } = plan.counts
  if (remove + replace <= maxDeletes) return undefined
  const readds = replace ? ` (${replace} of them to add back with a new name)` : ''
  return `The plan removes ${remove + replace} numbers${readds}, more than max_deletes (${maxDeletes}); nothing was changed. Raise max_deletes if this is intended.`
}

/**
 * True when Bolna differs from the file anywhere it can be seen: numbers to add or remove, names
 * and keys that differ, mappings Bolna shows that differ, unlisted numbers on a trunk that says
 * prune: true (whatever the prune input). Mappings Bolna does not show are not counted.
 */
export function hasChanges(plan: Plan): boolean {
  const c = plan.counts
  return c.add + c.remove + c.duplicates + c.replace + c.agentChanges + c.differ + c.pruneHeld > 0
}

/** The change a mapping needs, or undefined when Bolna already shows what is wanted. */
export function agentChange(wantAgent: string | null | undefined, number?: TrunkNumber): AgentChange | undefined {
  if (wantAgent === undefined) return undefined
  const from: AgentOnNumber = number?.agent ?? { kind: 'none' }
  if (from.kind === 'agent' && from.id === wantAgent) return undefined
  if (from.kind === 'none' && wantAgent === null) return undefined
  return { from, to: wantAgent }
}

function differences(want: DesiredNumber, number: TrunkNumber, trunk: TrunkRef): Difference[] {
  const found: Difference[] = []
  const traits = TRUNK_APIS[trunk.api]
  // A record without a name (or with null) has an unknown name: not a difference (reference §5).
  if (traits.labels && want.name !== undefined && number.name !== null && want.name !== number.name)
    found.push({ field: 'name', bolna: number.name, file: want.name })
  if (traits.destinationKey) {
    const key = want.destinationKey ?? want.e164.slice(1)
    if (number.destinationKey !== null && key !== number.destinationKey) found.push({ field: 'destination_key', bolna: number.destinationKey, file: key })
  }
  return found
}

/**
 * Compares what the file wants with what each trunk holds (live records only).
 * - A wanted number with several records keeps the one calls reach (see `keeper`) and loses the
 *   others, prune or not: they are duplicates, counted apart from the numbers removed.
 * - Unlisted numbers are removed only where the `prune` input AND the trunk's `prune: true`
 *   allow it; trunks the file does not list are never read or touched.
 */
export function planChanges(desired: DesiredState, actual: ActualState, pruneInput: boolean, onNameChange: OnNameChange = 'report'): Plan {
  const changes: Change[] = []
  const notes: PlanNote[] = []
  for (const { trunk, prune, numbers: wanted } of desired.trunks) {
    const records = actual.get(trunk.id) ?? []
    const byNumber = Map.groupBy(records, record => record.e164)
    const claimed = new Set<TrunkNumber>()
    for (const want of wanted) {
      const same = byNumber.get(want.e164) ?? []
      const kept = keeper(same, want.agentId)
      const number = kept?.number
      if (kept && number) {
        const healed = same.length > 1 ? { why: kept.why, duplicates: same.length - 1 } : undefined
        claimed.add(number)
        const differs = differences(want, number, trunk)
        // Removing a legacy number drops its mapping: replace only when the agent to map again is known.
        const agentKnown = want.agentId !== undefined || number.agent.kind !== 'unknown'
        if (onNameChange === 'replace' && !agentKnown) {
          for (const d of differs)
            if (d.field === 'name')
              d.why = 'not replaced: Bolna does not show which agent answers it, and removing it drops the mapping; give it an agent_id in the file'
        }
        if (onNameChange === 'replace' && agentKnown && differs.some(d => d.field === 'name')) {
          // The new record is mapped to the file's agent, else to the one the old record had.
          const agentAfter = want.agentId !== undefined ? want.agentId : number.agent.kind === 'agent' ? number.agent.id : null
          changes.push({ action: 'replace', trunk, want, number, agentAfter, ...(healed && { healed }) })
        } else {
          changes.push({ action: 'keep', trunk, want, number, agent: agentChange(want.agentId, number), differences: differs, ...(healed && { healed }) })
        }
        for (const copy of same) {
          if (copy !== number) {
            claimed.add(copy)
            changes.push({ action: 'remove', trunk, number: copy, why: 'duplicate record' })
          }
        }
      } else {
        changes.push({ action: 'add', trunk, want, agent: agentChange(want.agentId) })
      }
    }
    if (!TRUNK_APIS[trunk.api].labels && wanted.some(w => w.name !== undefined)) {
      notes.push({ trunkId: trunk.id, text: `names are not sent: Bolna's ${TRUNK_APIS[trunk.api].title} has no label for a number` })
    }
    const mayRemove = pruneInput && prune
    for (const record of records) {
      if (claimed.has(record)) continue
      if (mayRemove) changes.push({ action: 'remove', trunk, number: record, why: 'not in the file' })
      else changes.push({ action: 'leave', trunk, number: record, why: `not in the file; kept because ${pruneOff(pruneInput, prune)}`, drift: prune })
    }
  }
  return { changes, notes, counts: countChanges(changes) }
}

/**
 * Of several records of one number, the one to keep, so that calls keep reaching the agent they reach:
 * the one mapped to the file's agent (or, for agent_id: null, one without an agent); when the file
 * names no agent, the one an agent answers; then the oldest (ties by id, so every run picks the same).
 * Where Bolna shows no agents, the oldest, and the reason says the mapping is unknown.
 */
export function keeper(records: readonly TrunkNumber[], wantAgent: string | null | undefined): { number: TrunkNumber; why: string } | undefined {
  if (records.length <= 1) return records[0] && { number: records[0], why: 'the only record' }
  const pick = (candidates: readonly TrunkNumber[], why: string) =>
    candidates.length > 0 ? { number: candidates.reduce((a, b) => (olderFirst(a, b) <= 0 ? a : b)), why } : undefined
  const onAgent = (r: TrunkNumber) => r.agent.kind === 'agent' && (wantAgent === undefined || r.agent.id === wantAgent)
  const preferred =
    typeof wantAgent === 'string'
      ? pick(records.filter(onAgent), `the one mapped to the file's agent ${quote(wantAgent)}`)
      : wantAgent === null
        ? pick(
            records.filter(r => r.agent.kind === 'none'),
            'the one without an agent, as the file says'
          )
        : pick(records.filter(onAgent), 'the one an agent answers')
  if (preferred) {
    const agent = preferred.number.agent
    return wantAgent === undefined && agent.kind === 'agent' ? { ...preferred, why: `the one agent ${quote(agent.id)} answers` } : preferred
  }
  if (records.some(r => r.agent.kind === 'unknown'))
    return pick(records, 'the oldest: Bolna does not show which agent answers each record, so the mapping is unknown')
  return pick(records, 'the oldest')
}

/** Oldest first (a record without created_at first), then by id: a total order every run agrees on. */
export function olderFirst(a: TrunkNumber, b: TrunkNumber): number {
  const byAge = (a.createdAt ?? '').localeCompare(b.createdAt ?? '')
  return byAge !== 0 ? byAge : a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

function pruneOff(pruneInput: boolean, trunkPrune: boolean): string {
  if (!pruneInput && !trunkPrune) return 'prune is off'
  return !pruneInput ? 'the prune input is false' : 'the trunk has no prune: true'
}

function countChanges(changes: readonly Change[]): PlanCounts {
  const counts: PlanCounts = {
    add: 0,
    remove: 0,
    duplicates: 0,
    duplicateNumbers: 0,
    replace: 0,
    unchanged: 0,
    differ: 0,
    agentChanges: 0,
    agentUnknown: 0,
    leftAlone: 0,
    pruneHeld: 0
  }
  for (const change of changes) {
    if (change.action === 'add') counts.add++
    if (change.action === 'remove' && change.why === 'not in the file') counts.remove++
    if (change.action === 'remove' && change.why === 'duplicate record') counts.duplicates++
    if ((change.action === 'keep' || change.action === 'replace') && change.healed) counts.duplicateNumbers++
    if (change.action === 'replace') counts.replace++
    if (change.action === 'leave') counts.leftAlone++
    if (change.action === 'leave' && change.drift) counts.pruneHeld++
    if (change.action !== 'keep') continue
    counts.unchanged++
    if (change.differences.length > 0) counts.differ++
    if (change.agent?.from.kind === 'unknown') counts.agentUnknown++
    else if (change.agent) counts.agentChanges++
  }
  return counts
}
