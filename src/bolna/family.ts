import type { NumberToAdd, TrunkNumber, TrunkState } from './port.js'

/**
 * One Bolna trunk API family: its paths, bodies and record shapes, and the classification of
 * its errors (a 404 on a path that names only the trunk becomes `trunk-not-found`). Each call
 * is one request (with the HTTP client's transport retries); the protocols on top are client.ts's.
 */
export interface TrunkFamily {
  /** The trunk's numbers and settings, from one read of the trunk. */
  read(trunkId: string): Promise<TrunkState>
  /** The ids of the family's trunks. */
  trunkIds(): Promise<string[]>
  /** One POST, never repeated after a lost answer: that throws an `ambiguous` error. */
  create(trunkId: string, number: NumberToAdd): Promise<TrunkNumber>
  /** A 404 is thrown as `not-found`: only the trunk's state can say what it means. */
  remove(trunkId: string, numberId: string): Promise<void>
  setAgent(number: TrunkNumber, agentId: string | null): Promise<void>
}

/** One write as a family sends it: method, path and JSON body. */
export interface FamilyRequest {
  method: 'POST' | 'DELETE' | 'PATCH'
  path: string
  body?: Record<string, unknown>
}

/**
 * The writes of a family, as pure functions: the family sends exactly these, and the plan's
 * fingerprint is made of them, so what was reviewed is what is sent.
 */
export interface FamilyRequests {
  add(trunkId: string, number: NumberToAdd): FamilyRequest
  remove(trunkId: string, numberId: string): FamilyRequest
  setAgent(numberId: string, agentId: string | null): FamilyRequest
}
