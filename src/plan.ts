import type { PhoneNumberRecord } from './bolna/api.js'
import { digitsOf } from './phone.js'

/** A number as the numbers file (or the single-number inputs) wants it. */
export interface DesiredNumber {
  phoneNumber: string
  digits: string
  name?: string
  e164CheckEnabled: boolean
  agentId?: string
}

export interface DesiredTrunk {
  trunkId: string
  /** The file allows this trunk to lose numbers it does not list. */
  prune: boolean
  numbers: DesiredNumber[]
}

export interface DesiredState {
  trunks: DesiredTrunk[]
}

/** An agent mapping that must change; `from` is the agent that answers today, if any. */
export interface AgentChange {
  from: string | null
  to: string
}

export type Change =
  | { action: 'add'; trunkId: string; want: DesiredNumber; agent?: AgentChange }
  | { action: 'keep'; trunkId: string; want: DesiredNumber; record: PhoneNumberRecord; agent?: AgentChange }
  | { action: 'remove'; trunkId: string; record: PhoneNumberRecord; why: 'not in the file' | 'duplicate record' }
  | { action: 'leave'; trunkId: string; record: PhoneNumberRecord; why: string }

export interface PlanCounts {
  add: number
  remove: number
  unchanged: number
  nameDiffers: number
  agentChanges: number
  leftAlone: number
}

export interface Plan {
  changes: Change[]
  counts: PlanCounts
}

/** Why the plan may not be applied (it removes more than maxDeletes), or undefined. */
export function deleteLimitProblem(plan: Plan, maxDeletes: number): string | undefined {
  if (plan.counts.remove <= maxDeletes) return undefined
  return `The plan removes ${plan.counts.remove} numbers, more than max_deletes (${maxDeletes}); nothing was changed. Raise max_deletes if this is intended.`
}

/** True when applying the plan would write anything. */
export function hasChanges(plan: Plan): boolean {
  return plan.counts.add + plan.counts.remove + plan.counts.agentChanges > 0
}

/** The first live record that is the same number, if any. */
export function findNumber(records: readonly PhoneNumberRecord[], digits: string): PhoneNumberRecord | undefined {
  return records.find(record => digitsOf(record.phone_number) === digits)
}

/** True when a name is asked for and Bolna holds another (which only a remove + add can change). */
export function nameDiffers(wantName: string | undefined, record: PhoneNumberRecord): boolean {
  return wantName !== undefined && wantName !== (record.name ?? '')
}

export function agentChange(wantAgent: string | undefined, record?: PhoneNumberRecord): AgentChange | undefined {
  if (wantAgent === undefined || record?.agent_id === wantAgent) return undefined
  return { from: record?.agent_id ?? null, to: wantAgent }
}

/**
 * Compares what the file wants with what each trunk holds (live records only).
 * Removals happen only where the `prune` input AND the trunk's `prune: true` allow them;
 * trunks the file does not list are never read or touched.
 */
export function planChanges(desired: DesiredState, actual: ReadonlyMap<string, readonly PhoneNumberRecord[]>, pruneInput: boolean): Plan {
  const changes: Change[] = []
  for (const trunk of desired.trunks) {
    const records = actual.get(trunk.trunkId) ?? []
    const claimed = new Set<PhoneNumberRecord>()
    for (const want of trunk.numbers) {
      const record = findNumber(records, want.digits)
      const agent = agentChange(want.agentId, record)
      if (record) {
        claimed.add(record)
        changes.push({ action: 'keep', trunkId: trunk.trunkId, want, record, agent })
      } else {
        changes.push({ action: 'add', trunkId: trunk.trunkId, want, agent })
      }
    }
    const mayRemove = pruneInput && trunk.prune
    const wanted = new Set(trunk.numbers.map(n => n.digits))
    for (const record of records) {
      if (claimed.has(record)) continue
      const why = wanted.has(digitsOf(record.phone_number)) ? 'duplicate record' : 'not in the file'
      if (mayRemove) changes.push({ action: 'remove', trunkId: trunk.trunkId, record, why })
      else changes.push({ action: 'leave', trunkId: trunk.trunkId, record, why: leaveReason(why, pruneInput, trunk.prune) })
    }
  }
  return { changes, counts: countChanges(changes) }
}

function leaveReason(why: string, pruneInput: boolean, trunkPrune: boolean): string {
  const off = !pruneInput && !trunkPrune ? 'prune is off' : !pruneInput ? 'the prune input is false' : 'the trunk has no prune: true'
  return `${why}; kept because ${off}`
}

function countChanges(changes: readonly Change[]): PlanCounts {
  const counts: PlanCounts = { add: 0, remove: 0, unchanged: 0, nameDiffers: 0, agentChanges: 0, leftAlone: 0 }
  for (const change of changes) {
    if (change.action === 'add') counts.add++
    if (change.action === 'remove') counts.remove++
    if (change.action === 'leave') counts.leftAlone++
    if (change.action === 'keep') {
      counts.unchanged++
      if (nameDiffers(change.want.name, change.record)) counts.nameDiffers++
    }
    if (change.action === 'keep' && change.agent) counts.agentChanges++
  }
  return counts
}
