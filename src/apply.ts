import { TRUNK_APIS } from './bolna/port.js'
import type { Bolna, NumberToAdd, TrunkApi, TrunkNumber } from './bolna/port.js'
import { eachConcurrently } from './concurrency.js'
import { agentChange, writtenChanges } from './plan.js'
import type { ActualState, AgentChange, DesiredNumber, Plan, WrittenChange } from './plan.js'
import { messageOf, quote } from './text.js'

export interface ApplyOptions {
  concurrency: number
  /** Switch each agent mapped in this run to its trunk's telephony provider. */
  setAgentTelephony: boolean
  /** One line per thing done. */
  log: (line: string) => void
  /** Something that works against calls arriving (an agent on another telephony provider). */
  warn?: (trunkId: string, message: string) => void
}

export type AgentStatus = 'mapped' | 'unmapped' | 'unchanged' | 'failed'
export type ResultStatus = 'created' | 'exists' | 'replaced' | 'removed' | 'failed'

/** What happened to one entry of a plan (the `results` output). */
export interface ApplyResult {
  trunk_id: string
  trunk_api: TrunkApi
  /** As Bolna stores it, or as written when it was not added. */
  phone_number: string
  number_id: string | null
  status: ResultStatus
  name?: string | null
  /** The agent asked for (null: none), when the entry names one. */
  agent_id?: string | null
  agent_status?: AgentStatus
  /** The agent's telephony provider: switched to the trunk's, already on it, or the switch failed. */
  telephony_status?: 'switched' | 'unchanged' | 'failed'
  error?: string
  /** The record, after the run; not in the output (reporting reads it). */
  number?: TrunkNumber
  /** The change this result answers; not in the output. */
  change: WrittenChange
}

/**
 * Applies a plan: removals first (so a number can move between trunks), then adds and agent
 * mappings, `concurrency` at a time. One failure does not stop the others.
 */
export async function applyPlan(bolna: Bolna, plan: Plan, actual: ActualState, options: ApplyOptions): Promise<ApplyResult[]> {
  const written = writtenChanges(plan)
  const results = new Map<WrittenChange, ApplyResult>()
  const removals = written.filter(c => c.action === 'remove')
  const others = written.filter(c => c.action !== 'remove' && !(c.action === 'keep' && !c.agent))
  for (const phase of [removals, others]) {
    await eachConcurrently(phase, options.concurrency, async change => {
      results.set(change, await applyChange(bolna, change, actual, options))
    })
  }
  const ordered = written.map(c => results.get(c) ?? unchangedResult(c))
  await convergeTelephony(bolna, ordered, options)
  return ordered
}

async function applyChange(bolna: Bolna, change: WrittenChange, actual: ActualState, options: ApplyOptions): Promise<ApplyResult> {
  const { trunk } = change
  if (change.action === 'remove') {
    const { number } = change
    const entry: ApplyResult = { ...answering(change), phone_number: number.stored, number_id: number.id, name: number.name, status: 'removed', number }
    try {
      const done = await bolna.removeNumber(trunk, number)
      options.log(`${done === 'removed' ? 'Removed' : 'Already gone:'} ${quote(number.stored)} (id ${quote(number.id)}) from trunk ${quote(trunk.id)}.`)
      return entry
    } catch (error) {
      return { ...entry, status: 'failed', error: messageOf(error) }
    }
  }

  if (change.action === 'replace') return replaceNumber(bolna, change, actual, options)

  const want = change.want
  const entry: ApplyResult = { ...answering(change), phone_number: want.written, number_id: null, status: 'failed' }
  if (want.agentId !== undefined) entry.agent_id = want.agentId
  let number: TrunkNumber
  if (change.action === 'keep') {
    number = change.number
    Object.assign(entry, { status: 'exists', number_id: number.id, phone_number: number.stored, name: number.name, number })
  } else {
    try {
      const outcome = await bolna.addNumber(trunk, numberToAdd(want), actual.get(trunk.id))
      number = outcome.number
      Object.assign(entry, { status: outcome.status, number_id: number.id, phone_number: number.stored, name: number.name, number })
      if (outcome.status === 'created') options.log(`Added ${quote(number.stored)} to trunk ${quote(trunk.id)} (id ${quote(number.id)}).`)
    } catch (error) {
      entry.error = messageOf(error)
      return entry
    }
  }

  const agent = agentChange(want.agentId, number)
  if (!agent) {
    // Set in the add itself (`/trunk`), or already so.
    if (want.agentId !== undefined) entry.agent_status = entry.status === 'created' && want.agentId !== null ? 'mapped' : 'unchanged'
    return entry
  }
  try {
    await bolna.setAgent(trunk, number, agent.to)
    entry.agent_status = agent.to === null ? 'unmapped' : 'mapped'
    entry.number = { ...number, agent: agent.to === null ? { kind: 'none' } : { kind: 'agent', id: agent.to } }
    options.log(mappingLine(number, agent))
  } catch (error) {
    entry.agent_status = 'failed'
    const done = entry.status === 'created' ? 'was added' : 'is on the trunk'
    const what = agent.to === null ? 'removing its agent mapping' : `mapping it to agent ${quote(agent.to)}`
    entry.error = `the number ${done}, but ${what} failed: ${messageOf(error)}`
  }
  return entry
}

/** on_name_change: replace — removes the number, adds it back with its new name, and maps its agent again. */
async function replaceNumber(
  bolna: Bolna,
  change: Extract<WrittenChange, { action: 'replace' }>,
  actual: ActualState,
  options: ApplyOptions
): Promise<ApplyResult> {
  const { trunk, number: old, want, agentAfter } = change
  const entry: ApplyResult = { ...answering(change), phone_number: old.stored, number_id: old.id, name: old.name, status: 'failed' }
  if (agentAfter !== null) entry.agent_id = agentAfter
  try {
    await bolna.removeNumber(trunk, old)
  } catch (error) {
    return { ...entry, error: `removing it to add it back as ${quote(want.name)} failed, so it keeps its old name: ${messageOf(error)}` }
  }
  let number: TrunkNumber
  try {
    // Every record of the number is gone by now (duplicates are removed first): do not look for it.
    const others = (actual.get(trunk.id) ?? []).filter(n => n.e164 !== want.e164)
    number = (await bolna.addNumber(trunk, numberToAdd({ ...want, agentId: agentAfter ?? undefined }), others)).number
  } catch (error) {
    return { ...entry, number_id: null, error: `it was removed to be renamed, but adding it back failed (re-run to add it): ${messageOf(error)}` }
  }
  Object.assign(entry, { status: 'replaced', number_id: number.id, phone_number: number.stored, name: number.name, number })
  options.log(
    `Renamed ${quote(number.stored)} on trunk ${quote(trunk.id)}: removed (id ${quote(old.id)}) and added back as ${quote(want.name)} (id ${quote(number.id)}).`
  )
  if (agentAfter === null) return entry
  const agent = agentChange(agentAfter, number)
  if (!agent) {
    entry.agent_status = 'mapped'
    return entry
  }
  try {
    await bolna.setAgent(trunk, number, agentAfter)
    entry.agent_status = 'mapped'
    entry.number = { ...number, agent: { kind: 'agent', id: agentAfter } }
    options.log(mappingLine(number, agent))
  } catch (error) {
    entry.agent_status = 'failed'
    entry.error = `the number was added back, but mapping it to agent ${quote(agentAfter)} failed: ${messageOf(error)}`
  }
  return entry
}

function mappingLine(number: TrunkNumber, agent: AgentChange): string {
  const n = quote(number.stored)
  if (agent.to === null) return `Unmapped ${n} from agent ${agent.from.kind === 'agent' ? quote(agent.from.id) : '(unknown)'}.`
  if (agent.from.kind === 'agent') return `Moved ${n} from agent ${quote(agent.from.id)} to ${quote(agent.to)}.`
  return `Mapped ${n} to agent ${quote(agent.to)}.`
}

/** The number as the trunk's family adds it; fields a family does not have are not sent. */
export function numberToAdd(want: DesiredNumber): NumberToAdd {
  return {
    e164: want.e164,
    withPlus: want.withPlus,
    e164CheckEnabled: want.e164CheckEnabled,
    ...(want.name !== undefined && { name: want.name }),
    ...(want.destinationKey !== undefined && { destinationKey: want.destinationKey }),
    ...(typeof want.agentId === 'string' && { agentId: want.agentId })
  }
}

/**
 * The telephony provider of the agents the plan names (once per agent): read with GET
 * /v2/agent/{id} and, with set_agent_telephony, switched only where it is not the trunk's
 * (`sip-trunk` or `trunk`), on every run. Without it, only agents mapped in this run are read, and
 * one on another provider is a warning.
 */
async function convergeTelephony(bolna: Bolna, results: ApplyResult[], options: ApplyOptions): Promise<void> {
  const named = results.filter(r => typeof r.agent_id === 'string' && r.status !== 'failed' && r.agent_status !== 'failed')
  const relevant = options.setAgentTelephony ? named : named.filter(r => r.agent_status === 'mapped')
  const agents = new Map<string, ApplyResult>()
  for (const r of relevant) if (!agents.has(r.agent_id as string)) agents.set(r.agent_id as string, r)
  // An agent has one provider: one that answers numbers of both families can suit only one of them.
  for (const [agentId, first] of agents) {
    const other = relevant.find(r => r.agent_id === agentId && r.trunk_api !== first.trunk_api)
    if (other) {
      const provider = TRUNK_APIS[first.trunk_api].provider
      options.warn?.(
        other.trunk_id,
        `Agent ${quote(agentId)} answers numbers on trunks of both APIs, but has one telephony provider: it is kept on ${quote(provider)} (for trunk ${quote(first.trunk_id)}), so it calls out through that trunk only. Use one agent per API.`
      )
    }
  }
  const outcomes = new Map<string, { status: 'switched' | 'unchanged' | 'failed'; error?: string }>()
  await eachConcurrently([...agents], options.concurrency, async ([agentId, first]) => {
    const target = TRUNK_APIS[first.trunk_api].provider
    try {
      const provider = await bolna.agentProvider(agentId)
      if (provider === target) return void outcomes.set(agentId, { status: 'unchanged' })
      if (!options.setAgentTelephony) {
        // Where the provider shows is unverified (reference 3.2): an agent Bolna shows none for is
        // not known to be wrong, so it is a note, not a warning that would repeat on every run.
        if (provider === undefined) {
          options.log(`Agent ${quote(agentId)}: Bolna does not show its telephony provider; set set_agent_telephony: true to make sure it is ${quote(target)}.`)
        } else {
          options.warn?.(
            first.trunk_id,
            `Agent ${quote(agentId)} calls out through the ${quote(provider)} provider, not ${quote(target)}: its outbound calls will not use the trunk. Set set_agent_telephony: true to switch it.`
          )
        }
        return
      }
      await bolna.useTrunkTelephony(agentId, first.trunk_api)
      options.log(`Switched agent ${quote(agentId)} to the ${target} telephony provider${provider ? ` (from ${quote(provider)})` : ''}.`)
      outcomes.set(agentId, { status: 'switched' })
    } catch (error) {
      outcomes.set(agentId, { status: 'failed', error: `switching agent ${quote(agentId)} to the ${target} telephony provider failed: ${messageOf(error)}` })
    }
  })
  for (const result of named) {
    const outcome = outcomes.get(result.agent_id as string)
    if (!outcome) continue
    result.telephony_status = outcome.status
    if (outcome.error) result.error = `the number ${result.agent_status === 'mapped' ? 'is mapped' : 'is on the trunk'}, but ${outcome.error}`
  }
}

function answering(change: WrittenChange): Pick<ApplyResult, 'change' | 'trunk_id' | 'trunk_api'> {
  return { change, trunk_id: change.trunk.id, trunk_api: change.trunk.api }
}

// Verification (one record per planned number, read back) lives in verify.ts.
export { verifyApplied } from './verify.js'
export type { Unverified, VerifyOptions } from './verify.js'

function unchangedResult(change: WrittenChange): ApplyResult {
  if (change.action !== 'keep') throw new Error(`no result for a planned ${change.action}`)
  const { number, want } = change
  const result: ApplyResult = {
    ...answering(change),
    phone_number: number.stored,
    number_id: number.id,
    status: 'exists',
    name: number.name,
    number
  }
  if (want.agentId !== undefined) Object.assign(result, { agent_id: want.agentId, agent_status: 'unchanged' })
  return result
}

/** True when the entry, or a part of it (mapping, telephony switch), failed. */
export function failed(result: Pick<ApplyResult, 'status' | 'agent_status' | 'telephony_status'>): boolean {
  return result.status === 'failed' || result.agent_status === 'failed' || result.telephony_status === 'failed'
}

/** Why the step fails after the apply: the entries that failed, each on its line; or undefined. */
export function failuresProblem(results: readonly ApplyResult[]): string | undefined {
  const failures = results.filter(failed)
  if (failures.length === 0) return undefined
  const lines = failures.map(r => `${quote(r.phone_number)} on trunk ${quote(r.trunk_id)}${r.number_id ? ` (id ${quote(r.number_id)})` : ''}: ${r.error}`)
  if (results.length === 1) return lines.join('\n')
  return `${failures.length} of ${results.length} entries failed; the rest were applied:\n${lines.map(line => `  ${line}`).join('\n')}`
}
