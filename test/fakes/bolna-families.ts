// An in-memory fake of Bolna below the port: both trunk families (`TrunkFamily`) and the agent
// endpoints (`Agents`), over one store, with the behaviours shared/bolna-api.md §5 leaves open
// as switches. Tests build the real protocols on top of it:
//
//   const clock = new FakeClock()
//   const fake = new FakeBolna(clock, { trunks: { t1: 'sip-trunks' }, agents: ['ag1'], apiError: (message, details) => new BolnaApiError(message, details) })
//   const bolna = new BolnaClient(fake.families, fake.agents, { settleMs: 3000, maxRetries: 2, clock })
//
// Each family call is one request, as the real family modules make after the HTTP client's own
// transport retries; its failures are classified as those modules classify them, and made by the
// `apiError` the test passes in (the port's error, `BolnaApiError`, which the code under test maps).
// Time is the fake clock's: a record created with list lag shows once the client has slept long enough.
//
// The fake runs nothing from src/: a bug there cannot hide in the fake too. Its imports from src/
// are `import type` only — the port's interfaces, which vanish at compile time and keep the fake
// honest to the port: a change of the port that the fake does not follow fails the typecheck.
import { setImmediate as nextTurn } from 'node:timers/promises'
import type { Agents } from '../../src/bolna/agents.js'
import type { ApiErrorKind, BolnaApiError } from '../../src/bolna/errors.js'
import type { TrunkFamily } from '../../src/bolna/family.js'
import type { AgentOnNumber, NumberToAdd, TrunkApi, TrunkNumber } from '../../src/bolna/port.js'
import type { Clock } from '../../src/clock.js'

/** What the port's error carries: its kind, the request, and whether it may be retried or may have been stored. */
export type ApiErrorDetails = ConstructorParameters<typeof BolnaApiError>[1]

/** Makes the port's error; the test passes `(message, details) => new BolnaApiError(message, details)`. */
export type ApiErrorFactory = (message: string, details: ApiErrorDetails) => Error

/** "+" and the digits of a number as stored: the fake's own rule, written apart from src/'s. */
function e164(stored: string): string {
  let digits = ''
  for (const char of stored) if (char >= '0' && char <= '9') digits += char
  return `+${digits}`
}

/** Time that passes only when the code sleeps: deadlines and backoff are tested without waiting. */
export class FakeClock implements Clock {
  /** Every pause asked for, in order. */
  readonly sleeps: number[] = []
  private time = 0

  now = (): number => this.time

  sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms)
    this.time += ms
    // Let other work run, as a real pause would.
    await nextTurn()
  }

  /** Moves time on without anyone sleeping (e.g. "a minute later, the next run"). */
  advance(ms: number): void {
    this.time += ms
  }
}

/** `list` is a read of a trunk (`TrunkFamily.read`); `trunks` lists a family's trunk ids; `provider` reads an agent. */
export type FakeMethod = 'list' | 'trunks' | 'create' | 'remove' | 'setAgent' | 'check' | 'provider' | 'setTelephonyProvider'

export interface FakeBehaviour {
  /** A created record stays out of list/remove/setAgent for this long (fake-clock ms); default 0. */
  listLagMs: number
  /** A number added twice to one trunk: stored again (default), or refused with a 409. */
  duplicates: 'accept' | 'reject'
  /** How a number live on another trunk is refused: 409 (default) or a FastAPI-style 422. */
  otherTrunk: 409 | 422
  /** Whether legacy records carry `agent_id` (default); when absent the mapping shows as unknown. */
  legacyAgentIds: 'present' | 'absent'
  /** The same for `/trunk` records (documented on a Number, unverified in a trunk's numbers). */
  trunkAgentIds: 'present' | 'absent'
}

/**
 * A switchable failure of the next matching call(s).
 * - `lost`: the answer never came back (`network` or `timeout`, ambiguous). With `stored` the
 *   write happened first; without, it did not.
 * - `fail`: a plain failure that proves nothing was written (not ambiguous).
 */
export type Fault =
  | { kind: 'lost'; stored: boolean; as?: 'network' | 'timeout' }
  | { kind: 'fail'; error: ApiErrorKind; status?: number; retryable?: boolean; message?: string }

export interface FaultRule {
  on: FakeMethod
  fault: Fault
  /** Only calls of this family (family methods only). */
  api?: TrunkApi
  /** Only calls this predicate accepts. */
  match?: (call: FakeCall) => boolean
  /** How many matching calls it hits; default 1. */
  times?: number
}

/** One call, as the fake saw it: a method-like entry for assertions. */
export interface FakeCall {
  method: FakeMethod
  api?: TrunkApi
  trunkId?: string
  numberId?: string
  e164?: string
  agentId?: string | null
  provider?: string
  /** Fake-clock time when it was made. */
  at: number
  /** 'ok', or the kind of the error thrown. */
  outcome: 'ok' | ApiErrorKind
}

/** A record as the fake stores it; `agent` is the truth, whatever a list shows. */
export interface FakeRecord {
  id: string
  trunkId: string
  api: TrunkApi
  /** Exactly as stored (legacy keeps the spelling sent). */
  stored: string
  e164: string
  name: string | null
  agent: string | null
  /** False for a legacy record without `agent_id`: lists show its mapping as unknown. */
  agentShown: boolean
  destinationKey: string | null
  createdAt: string
  deleted: boolean
  /** Fake-clock time from which lists, deletes and mappings see it. */
  visibleAt: number
}

export interface FakeAgent {
  id: string
  provider: string | null
}

export interface SeedOptions {
  id?: string
  name?: string | null
  /** An agent id, null (none), or 'unknown' (a legacy record without agent_id; the truth is none). */
  agent?: string | null | 'unknown'
  destinationKey?: string | null
  createdAt?: string
  deleted?: boolean
}

export interface FakeBolnaSetup {
  /** Trunk id → family. */
  trunks?: Record<string, TrunkApi>
  agents?: string[]
  behaviour?: Partial<FakeBehaviour>
  /** Makes each failure: the port's error, which the test passes in. */
  apiError: ApiErrorFactory
}

const PATHS: Record<TrunkApi, { title: string; list: (t: string) => string; numbers: (t: string) => string }> = {
  'sip-trunks': {
    title: "Bolna's legacy /sip-trunks API",
    list: t => `/sip-trunks/trunks/${t}`,
    numbers: t => `/sip-trunks/trunks/${t}/numbers`
  },
  trunk: { title: "Bolna's /trunk API", list: t => `/trunk/trunks/${t}`, numbers: t => `/trunk/trunks/${t}/numbers` }
}

export class FakeBolna {
  readonly behaviour: FakeBehaviour = { listLagMs: 0, duplicates: 'accept', otherTrunk: 409, legacyAgentIds: 'present', trunkAgentIds: 'present' }
  readonly trunks = new Map<string, TrunkApi>()
  readonly records: FakeRecord[] = []
  readonly agentsById = new Map<string, FakeAgent>()
  readonly calls: FakeCall[] = []
  /** Calls under way now, and the most there ever were at once. */
  inFlight = 0
  maxInFlight = 0

  readonly families: Record<TrunkApi, TrunkFamily>
  /** Shaped as the `Agents` class (check, provider, setTelephonyProvider); cast because that class has a private field. */
  readonly agents: Agents

  private readonly faults: (FaultRule & { times: number })[] = []
  private sequence = 0
  private readonly apiError: ApiErrorFactory
  /** The kind of each error the fake made, for its call log (anything else thrown is a bad answer). */
  private readonly kinds = new WeakMap<Error, ApiErrorKind>()

  constructor(
    readonly clock: Clock,
    setup: FakeBolnaSetup
  ) {
    this.apiError = setup.apiError
    for (const [id, api] of Object.entries(setup.trunks ?? {})) this.addTrunk(id, api)
    for (const id of setup.agents ?? []) this.addAgent(id)
    this.behave(setup.behaviour ?? {})
    this.families = { 'sip-trunks': this.family('sip-trunks'), trunk: this.family('trunk') }
    const agents = {
      check: (agentId: string) =>
        this.call({ method: 'check', agentId }, () => {
          this.checkAgent(agentId)
        }),
      provider: (agentId: string) => this.call({ method: 'provider', agentId }, () => this.checkAgent(agentId).provider ?? undefined),
      setTelephonyProvider: (agentId: string, provider: string) =>
        this.call({ method: 'setTelephonyProvider', agentId, provider }, () => {
          const agent = this.checkAgent(agentId, 'PATCH')
          agent.provider = provider
        })
    }
    const shaped: Pick<Agents, 'check' | 'provider' | 'setTelephonyProvider'> = agents
    this.agents = shaped as unknown as Agents
  }

  behave(changes: Partial<FakeBehaviour>): this {
    Object.assign(this.behaviour, changes)
    return this
  }

  addTrunk(id: string, api: TrunkApi): this {
    this.trunks.set(id, api)
    return this
  }

  addAgent(id: string): this {
    if (!this.agentsById.has(id)) this.agentsById.set(id, { id, provider: null })
    return this
  }

  /** A record in place, visible at once; `number` is stored as given. */
  seed(trunkId: string, number: string, options: SeedOptions = {}): FakeRecord {
    const api = this.trunks.get(trunkId)
    if (!api) throw new Error(`no trunk ${trunkId}`)
    const agent = options.agent === 'unknown' ? null : (options.agent ?? null)
    if (agent) this.addAgent(agent)
    const record: FakeRecord = {
      id: options.id ?? this.nextId(),
      trunkId,
      api,
      stored: number,
      e164: e164(number),
      name: api === 'sip-trunks' ? (options.name ?? null) : null,
      agent,
      agentShown: options.agent !== 'unknown',
      destinationKey: api === 'trunk' ? (options.destinationKey ?? number.replace(/\D/g, '')) : null,
      createdAt: options.createdAt ?? this.nextCreatedAt(),
      deleted: options.deleted ?? false,
      visibleAt: Number.NEGATIVE_INFINITY
    }
    this.records.push(record)
    return record
  }

  /** The next `times` (default 1) calls matching the rule fail as the fault says. */
  inject(rule: FaultRule): this {
    this.faults.push({ ...rule, times: rule.times ?? 1 })
    return this
  }

  /** Drops the faults not yet used up. */
  clearFaults(): this {
    this.faults.length = 0
    return this
  }

  /** Live records of a trunk (lag or not), as stored. */
  live(trunkId: string): FakeRecord[] {
    return this.records.filter(r => r.trunkId === trunkId && !r.deleted)
  }

  /** The live records of a trunk as the port shows them, lag ignored. */
  numbersOn(trunkId: string): TrunkNumber[] {
    return this.live(trunkId).map(r => this.view(r))
  }

  count(method: FakeMethod, outcome?: FakeCall['outcome']): number {
    return this.calls.filter(c => c.method === method && (outcome === undefined || c.outcome === outcome)).length
  }

  /** The calls as short strings, e.g. "create t1 +919876543210 -> network". */
  trace(): string[] {
    return this.calls.map(c => {
      const what = [c.method, c.trunkId, c.numberId, c.e164, c.agentId === undefined ? undefined : String(c.agentId), c.provider].filter(Boolean).join(' ')
      return c.outcome === 'ok' ? what : `${what} -> ${c.outcome}`
    })
  }

  // ---- the families ----

  private family(api: TrunkApi): TrunkFamily {
    const family: TrunkFamily = {
      read: trunkId =>
        this.call({ method: 'list', api, trunkId }, () => ({
          numbers: this.list(api, trunkId),
          settings: { active: true, inboundEnabled: true, defaultAgentId: null }
        })),
      trunkIds: () => this.call({ method: 'trunks', api }, () => [...this.trunks].filter(([, a]) => a === api).map(([id]) => id)),
      create: (trunkId: string, number: NumberToAdd) =>
        this.call({ method: 'create', api, trunkId, e164: number.e164, agentId: number.agentId }, () => this.create(api, trunkId, number)),
      remove: (trunkId: string, numberId: string) => this.call({ method: 'remove', api, trunkId, numberId }, () => this.remove(api, trunkId, numberId)),
      setAgent: (number: TrunkNumber, agentId: string | null) =>
        this.call({ method: 'setAgent', api, numberId: number.id, e164: number.e164, agentId }, () => this.setAgent(api, number, agentId))
    }
    return family
  }

  private list(api: TrunkApi, trunkId: string): TrunkNumber[] {
    this.requireTrunk(api, trunkId, 'GET', PATHS[api].list(trunkId))
    return this.visible(trunkId).map(r => this.view(r))
  }

  private create(api: TrunkApi, trunkId: string, number: NumberToAdd): TrunkNumber {
    const method = 'POST'
    const path = PATHS[api].numbers(trunkId)
    this.requireTrunk(api, trunkId, method, path)
    if (api === 'trunk' && number.agentId !== undefined && !this.agentsById.has(number.agentId)) {
      throw this.refusal(method, path, 422, 'body.agent_id: Agent not found: it must be one of your agents')
    }
    const live = this.records.filter(r => !r.deleted && r.e164 === number.e164)
    if (live.some(r => r.trunkId !== trunkId)) {
      const reason = 'Phone number already exists on another active trunk'
      throw this.refusal(
        method,
        path,
        this.behaviour.otherTrunk,
        this.behaviour.otherTrunk === 422 ? `body.${api === 'trunk' ? 'e164' : 'phone_number'}: ${reason}` : reason
      )
    }
    if (live.length > 0 && this.behaviour.duplicates === 'reject') throw this.refusal(method, path, 409, 'Phone number already exists on this trunk')
    const record: FakeRecord = {
      id: this.nextId(),
      trunkId,
      api,
      stored: api === 'sip-trunks' ? (number.withPlus ? number.e164 : number.e164.slice(1)) : number.e164,
      e164: number.e164,
      name: api === 'sip-trunks' ? (number.name ?? null) : null,
      // A legacy add carries no agent; a /trunk add sets it in the add itself.
      agent: api === 'trunk' ? (number.agentId ?? null) : null,
      agentShown: true,
      destinationKey: api === 'trunk' ? (number.destinationKey ?? number.e164.slice(1)) : null,
      createdAt: this.nextCreatedAt(),
      deleted: false,
      visibleAt: this.clock.now() + this.behaviour.listLagMs
    }
    this.records.push(record)
    return this.view(record)
  }

  private remove(api: TrunkApi, trunkId: string, numberId: string): void {
    const path = `${PATHS[api].numbers(trunkId)}/${numberId}`
    // The family does not classify a DELETE 404: the trunk's state says what it meant.
    if (this.trunks.get(trunkId) !== api) throw this.notFound('DELETE', path, 'Trunk not found')
    const record = this.visible(trunkId).find(r => r.id === numberId)
    if (!record) throw this.notFound('DELETE', path, 'Phone number not found')
    record.deleted = true
    // Removing a legacy number also drops its mapping.
    if (api === 'sip-trunks') record.agent = null
  }

  private setAgent(api: TrunkApi, number: TrunkNumber, agentId: string | null): void {
    const [method, path] = api === 'trunk' ? ['PATCH', `/trunk/numbers/${number.id}`] : ['POST', agentId === null ? '/inbound/unlink' : '/inbound/setup']
    if (agentId !== null && !this.agentsById.has(agentId)) throw this.notFound(method, path, 'Agent not found')
    const record = this.records.find(r => r.id === number.id && r.api === api && !r.deleted && r.visibleAt <= this.clock.now())
    if (!record) throw this.notFound(method, path, 'Phone number not found')
    record.agent = agentId
  }

  private checkAgent(agentId: string, method = 'GET'): FakeAgent {
    const agent = this.agentsById.get(agentId)
    if (agent) return agent
    const path = `/v2/agent/${agentId}`
    throw this.error(
      `agent ${JSON.stringify(agentId)} not found (Bolna said: Agent not found): check the agent id and that it belongs to the API key's account`,
      { kind: 'agent-not-found', method, path, status: 404, reason: 'Agent not found', retryable: false, ambiguous: false }
    )
  }

  // ---- plumbing ----

  private requireTrunk(api: TrunkApi, trunkId: string, method: string, path: string): void {
    if (this.trunks.get(trunkId) === api) return
    throw this.error(
      `Trunk ${JSON.stringify(trunkId)} not found on ${PATHS[api].title} (Bolna said: Trunk not found). Check the trunk id and that the API key belongs to the trunk's organisation.`,
      { kind: 'trunk-not-found', method, path, status: 404, reason: 'Trunk not found', retryable: false, ambiguous: false }
    )
  }

  private visible(trunkId: string): FakeRecord[] {
    const now = this.clock.now()
    return this.live(trunkId).filter(r => r.visibleAt <= now)
  }

  private view(r: FakeRecord): TrunkNumber {
    const shown = r.api === 'trunk' ? this.behaviour.trunkAgentIds === 'present' : r.agentShown && this.behaviour.legacyAgentIds === 'present'
    const agent: AgentOnNumber = !shown ? { kind: 'unknown' } : r.agent ? { kind: 'agent', id: r.agent } : { kind: 'none' }
    return { id: r.id, e164: r.e164, stored: r.stored, name: r.name, agent, destinationKey: r.destinationKey, createdAt: r.createdAt }
  }

  /** One request: waits a turn (so concurrent calls overlap), applies a fault or does the work, and logs it. */
  private async call<T>(entry: Omit<FakeCall, 'at' | 'outcome'>, work: () => T): Promise<T> {
    const call: FakeCall = { ...entry, at: this.clock.now(), outcome: 'ok' }
    this.calls.push(call)
    this.inFlight++
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight)
    try {
      await nextTurn()
      const fault = this.takeFault(call)
      if (fault?.kind === 'fail') throw this.failure(call, fault)
      if (fault?.kind === 'lost') {
        if (fault.stored) work()
        throw this.lost(call, fault.as ?? 'network')
      }
      return work()
    } catch (error) {
      call.outcome = (error instanceof Error && this.kinds.get(error)) || 'bad-answer'
      throw error
    } finally {
      this.inFlight--
    }
  }

  private takeFault(call: FakeCall): Fault | undefined {
    const index = this.faults.findIndex(f => f.on === call.method && (f.api === undefined || f.api === call.api) && (f.match?.(call) ?? true))
    const rule = this.faults[index]
    if (!rule) return undefined
    if (--rule.times <= 0) this.faults.splice(index, 1)
    return rule.fault
  }

  private lost(call: FakeCall, as: 'network' | 'timeout'): Error {
    const { method, path } = where(call)
    const message = as === 'timeout' ? `${method} ${path} timed out after 30 s` : `${method} ${path} failed: network error (ECONNRESET)`
    return this.error(message, { kind: as, method, path, retryable: true, ambiguous: true })
  }

  private failure(call: FakeCall, fault: Extract<Fault, { kind: 'fail' }>): Error {
    const { method, path } = where(call)
    const status = fault.status ?? STATUS_OF[fault.error]
    const message = fault.message ?? `${method} ${path} failed with ${status ?? 'no answer'}: injected ${fault.error}`
    return this.error(message, { kind: fault.error, method, path, status, retryable: fault.retryable ?? false, ambiguous: false })
  }

  /** A failure of the port's kind, made by the test's factory and remembered for the call log. */
  private error(message: string, details: ApiErrorDetails): Error {
    const error = this.apiError(message, details)
    this.kinds.set(error, details.kind)
    return error
  }

  private notFound(method: string, path: string, reason: string): Error {
    return this.error(`${method} ${path} answered 404 Not Found: ${reason}`, {
      kind: 'not-found',
      method,
      path,
      status: 404,
      reason,
      retryable: false,
      ambiguous: false
    })
  }

  private refusal(method: string, path: string, status: 409 | 422, reason: string): Error {
    return this.error(`Bolna refused ${method} ${path} (${status}): ${reason}`, {
      kind: 'conflict',
      method,
      path,
      status,
      reason,
      retryable: false,
      ambiguous: false
    })
  }

  private nextId(): string {
    return `n${++this.sequence}`
  }

  private nextCreatedAt(): string {
    return new Date(Date.UTC(2026, 0, 1) + ++this.sequence * 1000).toISOString()
  }
}

const STATUS_OF: Partial<Record<ApiErrorKind, number>> = {
  auth: 401,
  forbidden: 403,
  'not-found': 404,
  'trunk-not-found': 404,
  'agent-not-found': 404,
  conflict: 409,
  rejected: 400,
  'rate-limited': 429,
  server: 500
}

function where(call: FakeCall): { method: string; path: string } {
  const api = call.api ?? 'sip-trunks'
  const trunkId = call.trunkId ?? ''
  switch (call.method) {
    case 'list':
      return { method: 'GET', path: PATHS[api].list(trunkId) }
    case 'trunks':
      return { method: 'GET', path: api === 'trunk' ? '/trunk/trunks' : '/sip-trunks/trunks' }
    case 'create':
      return { method: 'POST', path: PATHS[api].numbers(trunkId) }
    case 'remove':
      return { method: 'DELETE', path: `${PATHS[api].numbers(trunkId)}/${call.numberId}` }
    case 'setAgent':
      if (api === 'trunk') return { method: 'PATCH', path: `/trunk/numbers/${call.numberId}` }
      return { method: 'POST', path: call.agentId === null ? '/inbound/unlink' : '/inbound/setup' }
    case 'check':
    case 'provider':
      return { method: 'GET', path: `/v2/agent/${call.agentId}` }
    case 'setTelephonyProvider':
      return { method: 'PATCH', path: `/v2/agent/${call.agentId}` }
  }
}
