import { z } from 'zod'
import { phoneNumberRecord, segment } from './api.js'
import type { NewNumber, PhoneNumberRecord, TrunkNumbersApi } from './api.js'
import { BolnaApiError } from './errors.js'
import type { HttpClient } from './http.js'
import { quote } from '../text.js'

const recordList = z.array(phoneNumberRecord)

/** Bolna's `/sip-trunks` family (see shared/bolna-api.md). */
export class SipTrunksApi implements TrunkNumbersApi {
  constructor(private readonly http: HttpClient) {}

  get maxRetries(): number {
    return this.http.maxRetries
  }

  backoff(attempt: number): Promise<void> {
    return this.http.backoff(attempt)
  }

  async listNumbers(trunkId: string): Promise<PhoneNumberRecord[]> {
    const path = `/sip-trunks/trunks/${segment(trunkId)}/numbers`
    try {
      const { body } = await this.http.request('GET', path, undefined, 'idempotent')
      return validAnswer(recordList, body, 'GET', path).filter(record => record.deleted !== true)
    } catch (error) {
      throw trunkNotFound(error, trunkId)
    }
  }

  async addNumber(trunkId: string, number: NewNumber): Promise<PhoneNumberRecord> {
    const path = `/sip-trunks/trunks/${segment(trunkId)}/numbers`
    try {
      const { body } = await this.http.request('POST', path, number, 'unsafe')
      return validAnswer(phoneNumberRecord, body, 'POST', path)
    } catch (error) {
      throw trunkNotFound(error, trunkId)
    }
  }

  async removeNumber(trunkId: string, numberId: string): Promise<'removed' | 'absent'> {
    const path = `/sip-trunks/trunks/${segment(trunkId)}/numbers/${segment(numberId)}`
    try {
      await this.http.request('DELETE', path, undefined, 'idempotent', 'ignore')
      return 'removed'
    } catch (error) {
      // The number is already gone (or this retries a DELETE whose answer was lost): the goal is met.
      // A 404 for the trunk itself is a real failure.
      const numberGone = error instanceof BolnaApiError && error.kind === 'not-found' && !/trunk/i.test(error.details.reason ?? '')
      if (numberGone) return 'absent'
      throw trunkNotFound(error, trunkId)
    }
  }

  async mapAgent(numberId: string, agentId: string): Promise<void> {
    await this.http.request('POST', '/inbound/setup', { agent_id: agentId, phone_number_id: numberId }, 'idempotent', 'ignore')
  }

  async useSipTrunkForAgent(agentId: string): Promise<void> {
    const body = { agent_config: { telephony_provider: 'sip-trunk' } }
    await this.http.request('PATCH', `/v2/agent/${segment(agentId)}`, body, 'idempotent', 'ignore')
  }
}

function validAnswer<T>(schema: z.ZodType<T>, body: unknown, method: string, path: string): T {
  const parsed = schema.safeParse(body)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const where = issue?.path.length ? ` at ${issue.path.join('.')}` : ''
  throw new BolnaApiError(`${method} ${path} answered with an unexpected body${where}: ${issue?.message ?? 'invalid'}`, {
    kind: 'bad-answer',
    method,
    path,
    retryable: false,
    // A create that answered nonsense may still have been stored.
    ambiguous: method === 'POST'
  })
}

function trunkNotFound(error: unknown, trunkId: string): unknown {
  if (!(error instanceof BolnaApiError) || error.kind !== 'not-found') return error
  const reason = error.details.reason ? ` (Bolna said: ${error.details.reason})` : ''
  return new BolnaApiError(
    `Trunk ${quote(trunkId)} not found${reason}. Check trunk_id and that the API key belongs to the trunk's organisation.`,
    error.details
  )
}
