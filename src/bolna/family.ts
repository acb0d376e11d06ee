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
