// The emulator's state: trunks of both families, their numbers (with list lag and soft deletes) and
// agents. Route modules read and change it; the wire shapes are projections of the stored rows.

import { randomUUID } from 'node:crypto'
import type { JsonObject } from './http.ts'

/** The two trunk families: legacy `/sip-trunks/...` and new `/trunk/...`. A trunk lives in exactly one. */
export type TrunkApi = 'sip-trunks' | 'trunk'

export interface TrunkSettings {
  /** Default 'sip-trunks' (legacy). */
  api?: TrunkApi
  /** Default `Trunk <id>`. */
  name?: string
  /** Default true. */
  is_active?: boolean
  /** Default true. */
  inbound_enabled?: boolean
  /** `/trunk` only; default null. */
  default_inbound_agent_id?: string | null
}

export interface TrunkState {
  id: string
  api: TrunkApi
  name: string
  is_active: boolean
  inbound_enabled: boolean
  default_inbound_agent_id: string | null
  created_at: string
  updated_at: string
}

/** A legacy number record (`SIPTrunkPhoneNumberResponse`), as stored. On the wire `agent_id` may be left out (`legacyAgentId`). */
export interface PhoneNumberRecord {
  id: string
  phone_number: string
  name: string | null
  byot_trunk_id: string
  telephony_provider: 'sip-trunk'
  deleted: boolean
  user_id: string
  agent_id: string | null
  created_at: string
  updated_at: string
}

/** A `/trunk` `Number` object. */
export interface TrunkNumberRecord {
  id: string
  trunk_id: string
  e164: string
  destination_key: string
  agent_id: string | null
  last_inbound_at: string | null
  last_outbound_at: string | null
  created_at: string
  updated_at: string
  is_deleted: boolean
  deleted_at: string | null
}

/** One number of either family, in one shape (the `numbers()` inspection helper). */
export interface NumberView {
  id: string
  /** legacy `phone_number` or `/trunk` `e164`, as stored. */
  number: string
  /** null on `/trunk`, which has no label. */
  name: string | null
  agent_id: string | null
  /** null on legacy trunks. */
  destination_key: string | null
  deleted: boolean
  created_at: string
}

export interface SeedRecord {
  /** The number as stored (legacy `phone_number`, `/trunk` `e164`); one of the two is required. */
  phone_number?: string
  e164?: string
  /** `/trunk` only; default the number's digits (no '+'). */
  destination_key?: string
  /** Legacy only (ignored on `/trunk`). */
  name?: string | null
  agent_id?: string | null
  deleted?: boolean
  id?: string
  /** ISO date-time; default now. Also the record's updated_at. */
  created_at?: string
}

export interface AgentSettings {
  /** telephony provider in the agent's conversation task; default 'plivo'. */
  provider?: string
  /** Default `Agent <id>`. */
  name?: string
}

export interface AgentState {
  id: string
  /** Everything PATCHed under `agent_config`, merged shallowly. */
  agent_config: Record<string, unknown>
  /** `tools_config.input/output.provider` of the conversation task. */
  provider: string
  /** `tools_config.input/output.format`: 'ulaw' for sip-trunk/trunk, else 'wav'. */
  format: string
}

/** One stored number, whatever its family. */
export interface StoredNumber {
  id: string
  trunkId: string
  api: TrunkApi
  number: string
  name: string | null
  destinationKey: string | null
  agentId: string | null
  deleted: boolean
  deletedAt: string | null
  createdAt: string
  updatedAt: string
  /** Epoch ms from which lists, DELETE and mapping see the number. */
  visibleAt: number
}

export interface StoredAgent {
  id: string
  name: string
  config: JsonObject
  provider: string
  format: string
  createdAt: string
  updatedAt: string
}

export const USER_ID = 'user-emulator'

export function nowIso(): string {
  return new Date().toISOString()
}

/** Numbers compare by their digits, so '+91 98765-43210', '919876543210' and e164 '+919876543210' are one DID. */
export function numberKey(phone: string): string {
  const digits = phone.replace(/\D/g, '')
  return digits === '' ? phone : digits
}

/** The audio format Bolna gives an agent with this provider (§3.1). */
export function formatFor(provider: string): string {
  return provider === 'sip-trunk' || provider === 'trunk' ? 'ulaw' : 'wav'
}

export class Store {
  readonly trunks = new Map<string, TrunkState>()
  readonly agents = new Map<string, StoredAgent>()
  readonly numbers: StoredNumber[] = []

  /**
   * Creates a trunk, or updates the given settings of an existing one. A trunk stays in its family:
   * naming the other family for an existing id throws.
   */
  addTrunk(id: string, settings: TrunkSettings = {}): TrunkState {
    const existing = this.trunks.get(id)
    if (existing && settings.api !== undefined && settings.api !== existing.api) {
      throw new Error(`trunk ${id} is a '${existing.api}' trunk; it cannot also be a '${settings.api}' one`)
    }
    const api = existing?.api ?? settings.api ?? 'sip-trunks'
    if (api !== 'sip-trunks' && api !== 'trunk') throw new RangeError(`trunk api must be 'sip-trunks' or 'trunk', got '${String(api)}'`)
    if (api === 'sip-trunks' && settings.default_inbound_agent_id != null) {
      throw new Error('default_inbound_agent_id exists on /trunk trunks only')
    }
    const now = nowIso()
    const trunk: TrunkState = existing ?? {
      id,
      api,
      name: `Trunk ${id}`,
      is_active: true,
      inbound_enabled: true,
      default_inbound_agent_id: null,
      created_at: now,
      updated_at: now
    }
    if (settings.name !== undefined) trunk.name = settings.name
    if (settings.is_active !== undefined) trunk.is_active = settings.is_active
    if (settings.inbound_enabled !== undefined) trunk.inbound_enabled = settings.inbound_enabled
    if (settings.default_inbound_agent_id !== undefined) trunk.default_inbound_agent_id = settings.default_inbound_agent_id
    if (existing && Object.keys(settings).length > 0) trunk.updated_at = now
    this.trunks.set(id, trunk)
    return trunk
  }

  /** The trunk, if it exists in the given family (a trunk of the other family is as good as unknown). */
  trunk(id: string, api?: TrunkApi): TrunkState | undefined {
    const trunk = this.trunks.get(id)
    return trunk && (api === undefined || trunk.api === api) ? trunk : undefined
  }

  /** Creates an agent, or applies the given settings to an existing one. */
  addAgent(id: string, settings: AgentSettings = {}): StoredAgent {
    let agent = this.agents.get(id)
    if (!agent) {
      const now = nowIso()
      agent = { id, name: `Agent ${id}`, config: {}, provider: 'plivo', format: 'wav', createdAt: now, updatedAt: now }
      this.agents.set(id, agent)
    }
    if (settings.name !== undefined) agent.name = settings.name
    if (settings.provider !== undefined) setProvider(agent, settings.provider)
    return agent
  }

  /** Stores a new number; lists see it from visibleAt on. */
  add(
    trunk: TrunkState,
    fields: { number: string; name: string | null; destinationKey: string | null; agentId: string | null },
    visibleAt: number,
    id?: string,
    createdAt?: string
  ): StoredNumber {
    const at = createdAt ?? nowIso()
    const stored: StoredNumber = {
      id: id ?? randomUUID(),
      trunkId: trunk.id,
      api: trunk.api,
      number: fields.number,
      name: fields.name,
      destinationKey: fields.destinationKey,
      agentId: fields.agentId,
      deleted: false,
      deletedAt: null,
      createdAt: at,
      updatedAt: at,
      visibleAt
    }
    this.numbers.push(stored)
    return stored
  }

  /** Puts a number in place, visible at once. Creates the trunk (legacy) and the agent if needed. */
  seed(trunkId: string, r: SeedRecord): StoredNumber {
    if (r.id !== undefined && this.numbers.some(n => n.id === r.id)) throw new Error(`a record with id ${r.id} already exists`)
    const trunk = this.trunks.get(trunkId) ?? this.addTrunk(trunkId)
    const number = trunk.api === 'trunk' ? (r.e164 ?? r.phone_number) : (r.phone_number ?? r.e164)
    if (number === undefined) throw new Error('a seed record needs phone_number or e164')
    if (r.agent_id) this.addAgent(r.agent_id)
    const stored = this.add(
      trunk,
      {
        number,
        name: trunk.api === 'trunk' ? null : (r.name ?? null),
        destinationKey: trunk.api === 'trunk' ? (r.destination_key ?? number.replace(/\D/g, '')) : null,
        agentId: r.agent_id ?? null
      },
      0,
      r.id,
      r.created_at
    )
    if (r.deleted === true) {
      stored.deleted = true
      stored.deletedAt = stored.createdAt
    }
    return stored
  }

  /** A trunk's numbers that the lag no longer hides; live ones only unless includeDeleted. */
  visible(trunkId: string, now: number, includeDeleted: boolean): StoredNumber[] {
    return this.numbers.filter(n => n.trunkId === trunkId && n.visibleAt <= now && (includeDeleted || !n.deleted))
  }

  /** A live number of the given family that the lag no longer hides. */
  visibleLive(id: string, api: TrunkApi, now: number): StoredNumber | undefined {
    return this.numbers.find(n => n.id === id && n.api === api && !n.deleted && n.visibleAt <= now)
  }

  /**
   * Whether the number (by digits) is already live, lag or not: on another active trunk of either
   * family ('other'), else on this trunk ('same').
   */
  conflict(trunkId: string, number: string): 'other' | 'same' | undefined {
    const key = numberKey(number)
    const live = this.numbers.filter(n => !n.deleted && numberKey(n.number) === key)
    if (live.some(n => n.trunkId !== trunkId && this.trunks.get(n.trunkId)?.is_active !== false)) return 'other'
    if (live.some(n => n.trunkId === trunkId)) return 'same'
    return undefined
  }

  softDelete(n: StoredNumber): void {
    const now = nowIso()
    n.deleted = true
    n.deletedAt = now
    n.updatedAt = now
    if (n.api === 'sip-trunks') n.agentId = null // removing a legacy number also removes its agent mapping
  }

  /** Stored numbers (both families), optionally of one trunk; live only unless includeDeleted. */
  list(trunkId: string | undefined, includeDeleted: boolean): StoredNumber[] {
    return this.numbers.filter(n => (trunkId === undefined || n.trunkId === trunkId) && (includeDeleted || !n.deleted))
  }
}

export function setProvider(agent: StoredAgent, provider: string): void {
  agent.provider = provider
  agent.format = formatFor(provider)
}

// ---- projections ----

export function legacyRecord(n: StoredNumber): PhoneNumberRecord {
  return {
    id: n.id,
    phone_number: n.number,
    name: n.name,
    byot_trunk_id: n.trunkId,
    telephony_provider: 'sip-trunk',
    deleted: n.deleted,
    user_id: USER_ID,
    agent_id: n.agentId,
    created_at: n.createdAt,
    updated_at: n.updatedAt
  }
}

export function trunkNumberRecord(n: StoredNumber): TrunkNumberRecord {
  return {
    id: n.id,
    trunk_id: n.trunkId,
    e164: n.number,
    destination_key: n.destinationKey ?? '',
    agent_id: n.agentId,
    last_inbound_at: null,
    last_outbound_at: null,
    created_at: n.createdAt,
    updated_at: n.updatedAt,
    is_deleted: n.deleted,
    deleted_at: n.deletedAt
  }
}

/** The family's own record shape. */
export function familyRecord(n: StoredNumber): PhoneNumberRecord | TrunkNumberRecord {
  return n.api === 'trunk' ? trunkNumberRecord(n) : legacyRecord(n)
}

export function numberView(n: StoredNumber): NumberView {
  return {
    id: n.id,
    number: n.number,
    name: n.name,
    agent_id: n.agentId,
    destination_key: n.destinationKey,
    deleted: n.deleted,
    created_at: n.createdAt
  }
}

export function agentState(a: StoredAgent): AgentState {
  return { id: a.id, agent_config: structuredClone(a.config), provider: a.provider, format: a.format }
}
