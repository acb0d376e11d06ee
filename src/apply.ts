import type { PhoneNumberRecord, TrunkNumbersApi } from './bolna/api.js'
import { BolnaApiError } from './bolna/errors.js'
import { realSleep } from './bolna/http.js'
import { agentChange, findNumber } from './plan.js'
import type { Change, DesiredNumber, Plan } from './plan.js'

export interface ApplyOptions {
  /** How long a number just added may take to show in the list or to be mappable. */
  settleMs: number
  sleep?: (ms: number) => Promise<void>
}

export type AgentStatus = 'mapped' | 'unchanged'

export interface NumberOutcome {
  status: 'created' | 'exists'
  record: PhoneNumberRecord
}

/**
 * Puts one number on a trunk exactly once.
 *
 * Looks before it adds (Bolna may accept a duplicate), and when an add's answer is
 * lost it lists again — polling while the list lags — and adopts the stored record
 * rather than adding a second one.
 */
export async function ensureNumber(
  api: TrunkNumbersApi,
  trunkId: string,
  want: DesiredNumber,
  options: ApplyOptions,
  known?: readonly PhoneNumberRecord[]
): Promise<NumberOutcome> {
  const existing = findNumber(known ?? (await api.listNumbers(trunkId)), want.digits)
  if (existing) return { status: 'exists', record: existing }

  const body = { phone_number: want.phoneNumber, e164_check_enabled: want.e164CheckEnabled, ...(want.name !== undefined && { name: want.name }) }
  for (let attempt = 0; ; attempt++) {
    try {
      return { status: 'created', record: await api.addNumber(trunkId, body) }
    } catch (error) {
      if (!(error instanceof BolnaApiError) || !error.details.ambiguous) throw error
      const stored = await waitForNumber(api, trunkId, want.digits, options)
      if (stored) return { status: 'created', record: stored }
      if (attempt >= api.maxRetries) {
        throw new BolnaApiError(`${error.message}; the number did not appear on the trunk afterwards, so it was not added`, error.details)
      }
      await api.backoff(attempt)
    }
  }
}

/** Polls the trunk's list until the number shows up or settleMs has passed. */
async function waitForNumber(api: TrunkNumbersApi, trunkId: string, digits: string, options: ApplyOptions): Promise<PhoneNumberRecord | undefined> {
  const sleep = options.sleep ?? realSleep
  const deadline = Date.now() + options.settleMs
  for (let pause = 250; ; pause = Math.min(pause * 2, 1_000)) {
    const found = findNumber(await api.listNumbers(trunkId), digits)
    if (found || Date.now() + pause > deadline) return found
    await sleep(pause)
  }
}

/**
 * Maps the number to the agent that answers it (no call when it already does), and
 * optionally switches the agent to SIP trunks. A number just added can answer
 * 404 for a few seconds: that is retried until settleMs has passed.
 */
export async function wireAgent(
  api: TrunkNumbersApi,
  record: PhoneNumberRecord,
  agentId: string,
  setTelephony: boolean,
  options: ApplyOptions
): Promise<AgentStatus> {
  if (!agentChange(agentId, record)) return 'unchanged'
  const sleep = options.sleep ?? realSleep
  const deadline = Date.now() + options.settleMs
  for (let pause = 250; ; pause = Math.min(pause * 2, 2_000)) {
    try {
      await api.mapAgent(record.id, agentId)
      break
    } catch (error) {
      const numberNotYetKnown = error instanceof BolnaApiError && error.kind === 'not-found' && !/agent/i.test(error.details.reason ?? '')
      if (!numberNotYetKnown || Date.now() + pause > deadline) throw error
      await sleep(pause)
    }
  }
  if (setTelephony) {
    try {
      await api.useSipTrunkForAgent(agentId)
    } catch (error) {
      throw new Error(`the number is mapped to the agent, but switching the agent's telephony provider to sip-trunk failed: ${messageOf(error)}`)
    }
  }
  return 'mapped'
}

export type ResultStatus = 'created' | 'exists' | 'removed' | 'failed'

/** What happened to one entry of a plan (the `results` output). */
export interface ApplyResult {
  trunk_id: string
  phone_number: string
  number_id: string | null
  status: ResultStatus
  agent_id?: string
  agent_status?: AgentStatus | 'failed'
  error?: string
}

/**
 * Applies a plan: removals first (so a number can move between trunks), then adds
 * and agent mappings, `concurrency` at a time. One failure does not stop the others.
 */
export async function applyPlan(
  api: TrunkNumbersApi,
  plan: Plan,
  actual: ReadonlyMap<string, readonly PhoneNumberRecord[]>,
  concurrency: number,
  options: ApplyOptions & { setAgentTelephony?: boolean }
): Promise<ApplyResult[]> {
  const writes = plan.changes.filter(c => c.action === 'remove' || c.action === 'add' || (c.action === 'keep' && c.agent))
  const removals: Change[] = writes.filter(c => c.action === 'remove')
  const others: Change[] = writes.filter(c => c.action !== 'remove')
  const results = new Map<Change, ApplyResult>()
  for (const phase of [removals, others]) {
    await eachConcurrently(phase, concurrency, async change => {
      results.set(change, await applyChange(api, change, actual, options))
    })
  }
  const ordered = plan.changes.filter(change => change.action !== 'leave').map(change => results.get(change) ?? unchangedResult(change))
  if (options.setAgentTelephony) await switchAgentsToSipTrunk(api, ordered, concurrency)
  return ordered
}

/** PATCHes each agent that got a number in this run once; a failure marks that agent's entries. */
async function switchAgentsToSipTrunk(api: TrunkNumbersApi, results: ApplyResult[], concurrency: number): Promise<void> {
  const agents = [...new Set(results.filter(r => r.agent_status === 'mapped').map(r => r.agent_id as string))]
  await eachConcurrently(agents, concurrency, async agentId => {
    try {
      await api.useSipTrunkForAgent(agentId)
    } catch (error) {
      for (const result of results.filter(r => r.agent_id === agentId && r.agent_status === 'mapped')) {
        result.agent_status = 'failed'
        result.error = `the number is mapped to agent ${JSON.stringify(agentId)}, but switching the agent to sip-trunk failed: ${messageOf(error)}`
      }
    }
  })
}

async function applyChange(
  api: TrunkNumbersApi,
  change: Change,
  actual: ReadonlyMap<string, readonly PhoneNumberRecord[]>,
  options: ApplyOptions
): Promise<ApplyResult> {
  const base = { trunk_id: change.trunkId }
  if (change.action === 'leave') throw new Error('a number the plan leaves alone is never written')
  if (change.action === 'remove') {
    const entry = { ...base, phone_number: change.record.phone_number, number_id: change.record.id }
    try {
      await api.removeNumber(change.trunkId, change.record.id)
      return { ...entry, status: 'removed' }
    } catch (error) {
      return { ...entry, status: 'failed', error: messageOf(error) }
    }
  }
  const want = change.want
  const entry: ApplyResult = { ...base, phone_number: want.phoneNumber, number_id: null, status: 'failed' }
  if (want.agentId) entry.agent_id = want.agentId
  let record: PhoneNumberRecord
  try {
    const known = change.action === 'keep' ? [change.record] : actual.get(change.trunkId)
    const outcome = await ensureNumber(api, change.trunkId, want, options, known)
    record = outcome.record
    Object.assign(entry, { number_id: record.id, status: outcome.status, phone_number: record.phone_number })
  } catch (error) {
    entry.error = messageOf(error)
    return entry
  }
  if (want.agentId) {
    try {
      entry.agent_status = await wireAgent(api, record, want.agentId, false, options)
    } catch (error) {
      entry.agent_status = 'failed'
      entry.error = `the number ${entry.status === 'created' ? 'was added' : 'is on the trunk'}, but mapping it to agent ${JSON.stringify(want.agentId)} failed: ${messageOf(error)}`
    }
  }
  return entry
}

function unchangedResult(change: Change): ApplyResult {
  if (change.action !== 'keep') throw new Error(`no result for a planned ${change.action}`)
  const result: ApplyResult = {
    trunk_id: change.trunkId,
    phone_number: change.record.phone_number,
    number_id: change.record.id,
    status: 'exists'
  }
  if (change.want.agentId) Object.assign(result, { agent_id: change.want.agentId, agent_status: 'unchanged' })
  return result
}

/** Runs `work` over items with at most `limit` at once. */
export async function eachConcurrently<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T
      await work(item)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
