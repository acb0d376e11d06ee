/**
 * What the action needs from Bolna, in the action's own types. Planning and applying speak
 * only this; each Bolna trunk API family is one module behind it (sip-trunks.ts, trunk.ts),
 * and client.ts holds the protocols both share (exactly-once adds, deletes and mappings
 * decided by state). Callers pass a trunk's family along with its id, as data, and never
 * branch on it: what differs between the families is in `TRUNK_APIS`.
 */

/** Bolna's two trunk API families: legacy `/sip-trunks` and the newer `/trunk`. */
export type TrunkApi = 'sip-trunks' | 'trunk'
export const TRUNK_API_NAMES: readonly TrunkApi[] = ['sip-trunks', 'trunk']

export interface TrunkRef {
  id: string
  api: TrunkApi
}

/** What a family can hold and do, for validation and planning. */
export interface TrunkApiTraits {
  /** Numbers carry a label (`name`). */
  labels: boolean
  /** Numbers carry the key the carrier sends in the Request-URI. */
  destinationKey: boolean
  /** The add itself carries the number's agent (no separate mapping call). */
  agentInAdd: boolean
  /** The telephony provider an agent needs to call out through a trunk of this family. */
  provider: 'sip-trunk' | 'trunk'
  /** How the dashboard and the docs name it. */
  title: string
  /** The number as this family sends and stores it: digits only, as Bolna matches them. */
  spelling(e164: string, withPlus: boolean): string
}

export const TRUNK_APIS: Readonly<Record<TrunkApi, TrunkApiTraits>> = {
  // Legacy numbers are stored verbatim and matched with or without "+": keep the user's choice.
  'sip-trunks': {
    labels: true,
    destinationKey: false,
    agentInAdd: false,
    provider: 'sip-trunk',
    title: 'legacy /sip-trunks API',
    spelling: (e164, withPlus) => (withPlus ? e164 : e164.slice(1))
  },
  // `e164` must match ^\+[1-9]\d{6,14}$.
  trunk: { labels: false, destinationKey: true, agentInAdd: true, provider: 'trunk', title: '/trunk API', spelling: e164 => e164 }
}

/**
 * The agent that answers a number's inbound calls, as far as Bolna shows it. Legacy records
 * have no documented `agent_id`: where the field is absent the mapping is unknown, never "none".
 */
export type AgentOnNumber = { kind: 'none' } | { kind: 'agent'; id: string } | { kind: 'unknown' }

/**
 * A record's agent, for both families: its `agent_id` when the field is there (null: none), and
 * unknown when it is not (the legacy field is undocumented; the shape of a /trunk trunk's numbers
 * is unverified).
 */
export function agentOf(record: { agent_id?: string | null | undefined }): AgentOnNumber {
  if (!('agent_id' in record)) return { kind: 'unknown' }
  return record.agent_id ? { kind: 'agent', id: record.agent_id } : { kind: 'none' }
}

/** A number on a trunk. */
export interface TrunkNumber {
  id: string
  /** Its identity: "+" and the digits of what Bolna stores. */
  e164: string
  /** The number exactly as Bolna stores it (older records may hold separators). */
  stored: string
  name: string | null
  agent: AgentOnNumber
  /** `/trunk` only: what the carrier puts in the Request-URI. */
  destinationKey: string | null
  createdAt: string | null
}

/** A number to add, already checked (phone.ts) and in the form Bolna matches. */
export interface NumberToAdd {
  e164: string
  /** Legacy only: send the E.164 digits with their "+" (the user wrote one). */
  withPlus: boolean
  name?: string
  /** Legacy only: ask Bolna to enforce E.164. */
  e164CheckEnabled: boolean
  /** `/trunk` only; defaults to the E.164 digits. */
  destinationKey?: string
  /** The agent to answer it; `/trunk` sets it in the add itself. */
  agentId?: string
}

/** What a trunk's own answer says about whether calls reach its numbers (null: Bolna did not say). */
export interface TrunkSettings {
  /** false: the trunk takes no inbound calls and places no outbound ones. */
  active: boolean | null
  /** false: calls from the carrier are refused. */
  inboundEnabled: boolean | null
  /** `/trunk`: the agent that answers numbers with none of their own; always null on legacy trunks. */
  defaultAgentId: string | null
}

/** A trunk as one read of it shows it. */
export interface TrunkState {
  numbers: TrunkNumber[]
  settings: TrunkSettings
}

export interface AddOutcome {
  status: 'created' | 'exists'
  number: TrunkNumber
}

export interface Bolna {
  /** The trunk's live numbers (soft-deleted records are left out) and its settings, in one read. */
  readTrunk(trunk: TrunkRef): Promise<TrunkState>
  /** The trunk's live numbers. */
  listNumbers(trunk: TrunkRef): Promise<TrunkNumber[]>
  /** The ids of every trunk of the family the key can see. */
  listTrunks(api: TrunkApi): Promise<string[]>
  /** The telephony provider the agent calls out through, where Bolna shows it. */
  agentProvider(agentId: string): Promise<string | undefined>
  /**
   * Puts the number on the trunk exactly once: looks first (in `known`, or by listing), and when
   * an add's answer is lost, re-reads the trunk before it adds again. Its retry budget is inside.
   */
  addNumber(trunk: TrunkRef, number: NumberToAdd, known?: readonly TrunkNumber[]): Promise<AddOutcome>
  /** Removes a number; `absent` when the trunk shows it is already gone. */
  removeNumber(trunk: TrunkRef, number: TrunkNumber): Promise<'removed' | 'absent'>
  /** Maps the number to the agent that answers its inbound calls, or (null) removes the mapping. */
  setAgent(trunk: TrunkRef, number: TrunkNumber, agentId: string | null): Promise<void>
  /** Sets the agent's telephony provider to the one the trunk's family needs. */
  useTrunkTelephony(agentId: string, api: TrunkApi): Promise<void>
}

/** "+" and the digits: the identity of whatever Bolna stores (separators and all). */
export function e164Of(stored: string): string {
  return `+${stored.replace(/\D/g, '')}`
}
