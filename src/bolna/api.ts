import { z } from 'zod'

/** A phone number as Bolna keeps it on a trunk (extra fields are kept, unread). */
export const phoneNumberRecord = z.looseObject({
  id: z.string().min(1),
  phone_number: z.string(),
  name: z.string().nullish(),
  deleted: z.boolean().nullish(),
  agent_id: z.string().nullish(),
  byot_trunk_id: z.string().nullish()
})
export type PhoneNumberRecord = z.infer<typeof phoneNumberRecord>

export interface NewNumber {
  phone_number: string
  name?: string
  e164_check_enabled: boolean
}

/**
 * What the action needs from a Bolna trunk API. `/sip-trunks` implements it today;
 * the newer `/trunk/trunks` family can be added beside it without touching callers.
 */
export interface TrunkNumbersApi {
  /** The trunk's live numbers (soft-deleted records are left out). */
  listNumbers(trunkId: string): Promise<PhoneNumberRecord[]>
  /** Adds a number once; a lost answer surfaces as an `ambiguous` error, never as a silent retry. */
  addNumber(trunkId: string, number: NewNumber): Promise<PhoneNumberRecord>
  /** Removes a number; `absent` when it was already gone. */
  removeNumber(trunkId: string, numberId: string): Promise<'removed' | 'absent'>
  /** Maps the number to the agent that answers its inbound calls. */
  mapAgent(numberId: string, agentId: string): Promise<void>
  /** Makes the agent call out through SIP trunks. */
  useSipTrunkForAgent(agentId: string): Promise<void>
  /** Backoff between attempts of a write the caller repeats itself. */
  readonly maxRetries: number
  backoff(attempt: number): Promise<void>
}

/**
 * One path segment, whatever the id holds ('/', '?', '#'). URLs resolve '.' and '..'
 * however they are encoded (%2E too), so those two ids cannot be sent at all.
 */
export function segment(id: string): string {
  if (isDotSegment(id)) throw new Error(`the id ${JSON.stringify(id)} cannot be sent in a URL path`)
  return encodeURIComponent(id)
}

export function isDotSegment(id: string): boolean {
  return id === '.' || id === '..'
}
