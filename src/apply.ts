import type { PhoneNumberRecord, TrunkNumbersApi } from './bolna/api.js'
import { BolnaApiError } from './bolna/errors.js'
import { realSleep } from './bolna/http.js'
import { agentChange, findNumber } from './plan.js'
import type { Change, DesiredNumber, Plan } from './plan.js'
import { quote } from './text.js'

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
 * lost it lists again — polling while the list lags, up to settleMs — and adopts the
 * stored record rather than adding a second one. (A store whose record shows up later
 * than settleMs cannot be told from one that never happened.)
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
      const stored = await lookForLostAdd(api, trunkId, want.digits, options, error)
      if (stored) return { status: 'created', record: stored }
      if (attempt >= api.maxRetries) {
        const after = `${options.settleMs / 1000} s`
        throw new BolnaApiError(
          `${error.message}; the number did not show on the trunk within ${after} (settle_seconds), so it was not added — re-run to check`,
          error.details
        )
      }
      await api.backoff(attempt)
    }
  }
}

/** After an add whose answer was lost: the stored record, if the trunk shows one within settleMs. */
async function lookForLostAdd(
  api: TrunkNumbersApi,
  trunkId: string,
  digits: string,
  options: ApplyOptions,
  addError: BolnaApiError
): Promise<PhoneNumberRecord | undefined> {
  try {
    return await pollUntilSettled(options, 1_000, async () => findNumber(await api.listNumbers(trunkId), digits))
  } catch (listError) {
    throw new BolnaApiError(`${addError.message}; checking whether it was stored failed too (${messageOf(listError)}) — re-run to reconcile`, addError.details)
  }
}

/**
 * Calls `attempt` until it gives a value or settleMs has passed, pausing 250 ms, then
 * twice as long each time up to maxPauseMs. Undefined when time ran out.
 */
async function pollUntilSettled<T>(options: ApplyOptions, maxPauseMs: number, attempt: () => Promise<T | undefined>): Promise<T | undefined> {
  const sleep = options.sleep ?? realSleep
  const deadline = Date.now() + options.settleMs
  for (let pause = 250; ; pause = Math.min(pause * 2, maxPauseMs)) {
    const value = await attempt()
    if (value !== undefined || Date.now() + pause > deadline) return value
    await sleep(pause)
  }
}

/**
 * Maps the number to the agent that answers its inbound calls; no call when it already
 * does. A number just added can be unknown to the mapping endpoint for a few seconds:
 * that 404 is retried until settleMs has passed; an unknown agent fails at once.
 */
export async function wireAgent(api: TrunkNumbersApi, record: PhoneNumberRecord, agentId: string, options: ApplyOptions): Promise<AgentStatus> {
  if (!agentChange(agentId, record)) return 'unchanged'
  let notYetKnown: unknown
  const mapped = await pollUntilSettled(options, 2_000, async () => {
    try {
      await api.mapAgent(record.id, agentId)
      return true
    } catch (error) {
      const numberUnknown = error instanceof BolnaApiError && error.kind === 'not-found' && !/agent/i.test(error.details.reason ?? '')
      if (!numberUnknown) throw error
      notYetKnown = error
      return undefined
    }
  })
  if (!mapped) throw notYetKnown
  return 'mapped'
}

/**
 * Switches each agent to the sip-trunk telephony provider, once per agent. Returns the
 * agents that failed, with why.
 */
export async function switchAgentsToSipTrunk(api: TrunkNumbersApi, agentIds: Iterable<string>, concurrency: number): Promise<Map<string, string>> {
  const failures = new Map<string, string>()
  await eachConcurrently([...new Set(agentIds)], concurrency, async agentId => {
    try {
      await api.useSipTrunkForAgent(agentId)
    } catch (error) {
      failures.set(agentId, `switching agent ${quote(agentId)} to the sip-trunk telephony provider failed: ${messageOf(error)}`)
    }
  })
  return failures
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
  /** With set_agent_telephony, for entries whose mapping was made in this run. */
  telephony_status?: 'switched' | 'failed'
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
  if (options.setAgentTelephony) {
    const mapped = ordered.filter(r => r.agent_status === 'mapped')
    const failures = await switchAgentsToSipTrunk(
      api,
      mapped.map(r => r.agent_id as string),
      concurrency
    )
    for (const result of mapped) {
      const failure = failures.get(result.agent_id as string)
      result.telephony_status = failure ? 'failed' : 'switched'
      if (failure) result.error = `the number is mapped, but ${failure}`
    }
  }
  return ordered
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
      entry.agent_status = await wireAgent(api, record, want.agentId, options)
    } catch (error) {
      entry.agent_status = 'failed'
      entry.error = `the number ${entry.status === 'created' ? 'was added' : 'is on the trunk'}, but mapping it to agent ${quote(want.agentId)} failed: ${messageOf(error)}`
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

/**
 * Runs `work` over items with at most `limit` at once. After a failure no new item is
 * started; the first failure is thrown once the items under way have finished.
 */
export async function eachConcurrently<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  let failed = false
  const worker = async (): Promise<void> => {
    while (next < items.length && !failed) {
      const item = items[next++] as T
      try {
        await work(item)
      } catch (error) {
        failed = true
        throw error
      }
    }
  }
  const outcomes = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker))
  const failure = outcomes.find(outcome => outcome.status === 'rejected')
  if (failure) throw failure.reason
}

/** One line for any failure: an Error's message, a thrown string, or what else was thrown. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message
  if (typeof error === 'string') return error
  let shown: string
  try {
    shown = JSON.stringify(error) ?? String(error)
  } catch {
    shown = String(error)
  }
  return `unexpected failure: ${shown.slice(0, 200)}`
}
