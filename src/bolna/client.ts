import { pollUntil } from '../clock.js'
import type { Clock } from '../clock.js'
import { messageOf, quote } from '../text.js'
import type { Agents } from './agents.js'
import { BolnaApiError } from './errors.js'
import type { TrunkFamily } from './family.js'
import { backoffMs } from './http.js'
import { TRUNK_APIS } from './port.js'
import type { AddOutcome, Bolna, NumberToAdd, TrunkApi, TrunkNumber, TrunkRef, TrunkState } from './port.js'

export interface ClientOptions {
  /** How long a number just written may take to show in Bolna's list, or to be mappable. */
  settleMs: number
  /** Further adds after one whose answer was lost and whose number did not show. */
  maxRetries: number
  clock: Clock
  random?: () => number
}

/**
 * The port, over both families: the per-number protocols, each decided by what the trunk
 * shows and never by the words of an error message.
 *
 * Worst case of one addNumber: (maxRetries + 1) adds, each up to the request timeout (times
 * the HTTP client's own retries for failures that prove nothing was stored), each followed
 * by re-reading the trunk for up to settleMs, with a backoff of at most 8 s between adds.
 */
export class BolnaClient implements Bolna {
  constructor(
    private readonly families: Readonly<Record<TrunkApi, TrunkFamily>>,
    private readonly agents: Agents,
    private readonly options: ClientOptions
  ) {}

  readTrunk(trunk: TrunkRef): Promise<TrunkState> {
    return this.families[trunk.api].read(trunk.id)
  }

  async listNumbers(trunk: TrunkRef): Promise<TrunkNumber[]> {
    return (await this.readTrunk(trunk)).numbers
  }

  listTrunks(api: TrunkApi): Promise<string[]> {
    return this.families[api].trunkIds()
  }

  agentProvider(agentId: string): Promise<string | undefined> {
    return this.agents.provider(agentId)
  }

  async addNumber(trunk: TrunkRef, number: NumberToAdd, known?: readonly TrunkNumber[]): Promise<AddOutcome> {
    const family = this.families[trunk.api]
    const existing = findNumber(known ?? (await this.listNumbers(trunk)), number.e164)
    if (existing) return { status: 'exists', number: existing }
    for (let attempt = 0; ; attempt++) {
      try {
        return { status: 'created', number: asCreated(trunk, number, await family.create(trunk.id, number)) }
      } catch (error) {
        if (!(error instanceof BolnaApiError)) throw error
        if (error.kind === 'trunk-not-found') {
          // An add that carries an agent may be refused for the agent: the agent endpoint says.
          await this.checkAgentOfAdd(trunk, number)
          throw error
        }
        if (error.kind === 'conflict') return { status: 'exists', number: await this.settleConflict(trunk, number, error) }
        if (!error.details.ambiguous) throw error
        const stored = await this.lookForLostAdd(trunk, number, error)
        if (stored) return { status: 'created', number: asCreated(trunk, number, stored) }
        if (error.details.accepted) {
          // A 2xx answer: Bolna stored it. Sending it again would add it twice.
          throw error.as(
            error.kind,
            `${error.message}; Bolna accepted the add (HTTP 2xx), but the number did not show on the trunk within ${this.options.settleMs / 1000} s (settle_seconds), so it was not sent again: re-run to adopt it`
          )
        }
        if (attempt >= this.options.maxRetries) {
          throw error.as(
            error.kind,
            `${error.message}; the number did not show on the trunk within ${this.options.settleMs / 1000} s (settle_seconds), so it was not added: re-run to check`
          )
        }
        await this.options.clock.sleep(backoffMs(attempt, this.options.random))
      }
    }
  }

  /**
   * Bolna refused the add as a conflict. Whatever its words, the trunk says which: the number
   * is there (a lagging list hid it, or an earlier run's add landed), or it is not, and then
   * it is on another trunk. A 409 is given settle_seconds to show; a 422 (also a validation
   * failure) is read once.
   */
  private async settleConflict(trunk: TrunkRef, number: NumberToAdd, refusal: BolnaApiError): Promise<TrunkNumber> {
    // A 422 of an add that names an agent may be about the agent: the agent endpoint says.
    if (refusal.status === 422) await this.checkAgentOfAdd(trunk, number)
    const settleMs = refusal.status === 409 ? this.options.settleMs : 0
    const here = await this.poll(settleMs, 1_000, async () => findNumber(await this.listNumbers(trunk), number.e164))
    if (here) return here
    throw refusal.as(
      'conflict',
      `${refusal.message}. The number is not on trunk ${quote(trunk.id)}: if it is on another trunk, remove it from the other trunk first`
    )
  }

  /** Throws `agent-not-found` when the add carried an agent Bolna does not have. */
  private async checkAgentOfAdd(trunk: TrunkRef, number: NumberToAdd): Promise<void> {
    if (TRUNK_APIS[trunk.api].agentInAdd && number.agentId !== undefined) await this.agents.check(number.agentId)
  }

  /** After an add whose answer was lost: the stored record, if the trunk shows one within settleMs. */
  private async lookForLostAdd(trunk: TrunkRef, number: NumberToAdd, addError: BolnaApiError): Promise<TrunkNumber | undefined> {
    try {
      return await this.poll(this.options.settleMs, 1_000, async () => findNumber(await this.listNumbers(trunk), number.e164))
    } catch (listError) {
      throw addError.as(addError.kind, `${addError.message}; checking whether it was stored failed too (${messageOf(listError)}): re-run to reconcile`)
    }
  }

  async removeNumber(trunk: TrunkRef, number: TrunkNumber): Promise<'removed' | 'absent'> {
    try {
      await this.families[trunk.api].remove(trunk.id, number.id)
      return 'removed'
    } catch (error) {
      if (!(error instanceof BolnaApiError) || error.kind !== 'not-found') throw error
      // A 404 names no culprit: the trunk says. A missing trunk throws its own error here.
      const now = await this.listNumbers(trunk)
      if (now.some(n => n.id === number.id)) throw error
      return 'absent'
    }
  }

  async setAgent(trunk: TrunkRef, number: TrunkNumber, agentId: string | null): Promise<void> {
    const family = this.families[trunk.api]
    if (agentId === null) return family.setAgent(number, null)
    // A 404 is an unknown agent or a number Bolna does not know yet (just added, list lag).
    // The agent endpoint says which: an unknown agent fails at once, a number is given settleMs.
    let agentChecked = false
    let lastMiss: unknown
    const mapped = await this.poll(this.options.settleMs, 2_000, async () => {
      try {
        await family.setAgent(number, agentId)
        return true
      } catch (error) {
        if (!(error instanceof BolnaApiError) || error.kind !== 'not-found') throw error
        if (!agentChecked) {
          await this.agents.check(agentId)
          agentChecked = true
        }
        lastMiss = error
        return undefined
      }
    })
    if (!mapped) throw lastMiss
  }

  useTrunkTelephony(agentId: string, api: TrunkApi): Promise<void> {
    return this.agents.setTelephonyProvider(agentId, TRUNK_APIS[api].provider)
  }

  private poll<T>(withinMs: number, maxPauseMs: number, attempt: () => Promise<T | undefined>): Promise<T | undefined> {
    return pollUntil(this.options.clock, withinMs, maxPauseMs, attempt)
  }
}

/** A number this add created has no agent but the one the add carried (`/trunk`), whether or not Bolna shows it. */
function asCreated(trunk: TrunkRef, number: NumberToAdd, created: TrunkNumber): TrunkNumber {
  if (created.agent.kind !== 'unknown') return created
  const carried = TRUNK_APIS[trunk.api].agentInAdd ? number.agentId : undefined
  return { ...created, agent: carried === undefined ? { kind: 'none' } : { kind: 'agent', id: carried } }
}

/** The first live record of the number, if any (identity is the E.164 form). */
export function findNumber(numbers: readonly TrunkNumber[], e164: string): TrunkNumber | undefined {
  return numbers.find(n => n.e164 === e164)
}
