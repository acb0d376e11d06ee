import { TRUNK_APIS } from './bolna/port.js'
import type { AgentOnNumber, TrunkNumber, TrunkRef } from './bolna/port.js'

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
}

export type Change =
  | { action: 'add'; trunk: TrunkRef; want: DesiredNumber; agent?: AgentChange }
  | { action: 'keep'; trunk: TrunkRef; want: DesiredNumber; number: TrunkNumber; agent?: AgentChange; differences: Difference[] }
  | { action: 'remove'; trunk: TrunkRef; number: TrunkNumber; why: 'not in the file' | 'duplicate record' }
  | { action: 'leave'; trunk: TrunkRef; number: TrunkNumber; why: string }

export interface PlanCounts {
  add: number
  remove: number
  unchanged: number
  /** Numbers with a field that differs and cannot be changed in place. */
  differ: number
  /** Mappings Bolna shows and that will change. */
  agentChanges: number
  /** Mappings Bolna does not show (legacy records without agent_id): set, but not counted as drift. */
  agentUnknown: number
  leftAlone: number
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

/** Why the plan may not be applied (it removes more than maxDeletes), or undefined. */
export function deleteLimitProblem(plan: Plan, maxDeletes: number): string | undefined {
  if (plan.counts.remove <= maxDeletes) return undefined
  return `The plan removes ${plan.counts.remove} numbers, more than max_deletes (${maxDeletes}); nothing was changed. Raise max_deletes if this is intended.`
}

/** True when Bolna visibly differs from what is wanted in a way applying would change. */
export function hasChanges(plan: Plan): boolean {
  return plan.counts.add + plan.counts.remove + plan.counts.agentChanges > 0
}

/** True when applying the plan would write anything (unknown mappings are set, idempotently). */
export function hasWrites(plan: Plan): boolean {
  return hasChanges(plan) || plan.counts.agentUnknown > 0
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
  if (traits.labels && want.name !== undefined && want.name !== (number.name ?? '')) found.push({ field: 'name', bolna: number.name, file: want.name })
  if (traits.destinationKey) {
    const key = want.destinationKey ?? want.e164.slice(1)
    if (number.destinationKey !== null && key !== number.destinationKey) found.push({ field: 'destination_key', bolna: number.destinationKey, file: key })
  }
  return found
}

/**
 * Compares what the file wants with what each trunk holds (live records only).
 * - A wanted number with several records keeps one (the one already on the wanted agent, else
 *   the oldest) and loses the others, prune or not: they are duplicates, counted as removals.
 * - Unlisted numbers are removed only where the `prune` input AND the trunk's `prune: true`
 *   allow it; trunks the file does not list are never read or touched.
 */
export function planChanges(desired: DesiredState, actual: ActualState, pruneInput: boolean): Plan {
  const changes: Change[] = []
  const notes: PlanNote[] = []
  for (const { trunk, prune, numbers: wanted } of desired.trunks) {
    const records = actual.get(trunk.id) ?? []
    const byNumber = Map.groupBy(records, record => record.e164)
    const claimed = new Set<TrunkNumber>()
    for (const want of wanted) {
      const same = byNumber.get(want.e164) ?? []
      const number = keeper(same, want)
      if (number) {
        claimed.add(number)
        const differs = differences(want, number, trunk)
        changes.push({ action: 'keep', trunk, want, number, agent: agentChange(want.agentId, number), differences: differs })
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
      else changes.push({ action: 'leave', trunk, number: record, why: `not in the file; kept because ${pruneOff(pruneInput, prune)}` })
    }
  }
  return { changes, notes, counts: countChanges(changes) }
}

/** Of several records of one number, the one to keep: on the wanted agent, else the oldest. */
function keeper(records: readonly TrunkNumber[], want: DesiredNumber): TrunkNumber | undefined {
  if (records.length <= 1) return records[0]
  const onAgent = records.find(r => r.agent.kind === 'agent' && r.agent.id === want.agentId)
  if (onAgent) return onAgent
  return records.reduce((oldest, r) => ((r.createdAt ?? '') < (oldest.createdAt ?? '') ? r : oldest))
}

function pruneOff(pruneInput: boolean, trunkPrune: boolean): string {
  if (!pruneInput && !trunkPrune) return 'prune is off'
  return !pruneInput ? 'the prune input is false' : 'the trunk has no prune: true'
}

function countChanges(changes: readonly Change[]): PlanCounts {
  const counts: PlanCounts = { add: 0, remove: 0, unchanged: 0, differ: 0, agentChanges: 0, agentUnknown: 0, leftAlone: 0 }
  for (const change of changes) {
    if (change.action === 'add') counts.add++
    if (change.action === 'remove') counts.remove++
    if (change.action === 'leave') counts.leftAlone++
    if (change.action !== 'keep') continue
    counts.unchanged++
    if (change.differences.length > 0) counts.differ++
    if (change.agent?.from.kind === 'unknown') counts.agentUnknown++
    else if (change.agent) counts.agentChanges++
  }
  return counts
}
