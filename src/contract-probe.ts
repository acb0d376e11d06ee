import { BolnaApiError } from './bolna/errors.js'
import type { HttpClient } from './bolna/http.js'
import { segment } from './bolna/paths.js'
import { e164Of, TRUNK_APIS } from './bolna/port.js'
import type { TrunkRef } from './bolna/port.js'
import { checkShape } from './bolna/shape.js'
import type { FieldCheck } from './bolna/shape.js'
import { record as legacyRecord } from './bolna/sip-trunks.js'
import { numberRecord } from './bolna/trunk.js'
import type { Clock } from './clock.js'
import { masked } from './contract.js'
import type { Difference } from './contract.js'
import { messageOf, quote } from './text.js'

/**
 * The write probe (`npm run contract -- --write`), for a sandbox trunk: adds a number the user
 * names, reads the trunk until it shows it, removes it, and reads the trunk again. It records what
 * only a write shows: the add's status and answer keys, the list lag, and whether a removed number
 * stays listed as deleted. It never adds a number the trunk already holds.
 */
export interface ProbeReport {
  lines: string[]
  differences: Difference[]
  /** Something failed: the probe is incomplete (the number may need removing by hand, as said). */
  failed: boolean
  /** The add answer's fields checked against the client's schema. */
  fields: FieldCheck[]
}

export interface ProbeOptions {
  /** How long to wait for the list to show the added number, and to drop or mark the removed one. */
  settleMs: number
  clock: Clock
  /** Between reads of the trunk while waiting. */
  pollMs?: number
}

type Raw = Record<string, unknown>

export async function probeWrites(http: HttpClient, trunk: TrunkRef, e164: string, options: ProbeOptions): Promise<ProbeReport> {
  const report: ProbeReport = { lines: [], differences: [], failed: false, fields: [] }
  const say = (line: string) => report.lines.push(line)
  const shown = masked(e164)
  const family = trunk.api === 'trunk' ? '/trunk' : '/sip-trunks'
  const base = `${family}/trunks/${segment(trunk.id)}`
  const mine = (r: Raw) => typeof numberOf(r) === 'string' && e164Of(numberOf(r) as string) === e164
  const isDeleted = (r: Raw) => r.deleted === true || r.is_deleted === true

  const before = await listed(http, trunk, base)
  if (before.some(r => mine(r) && !isDeleted(r))) {
    say(`${shown} is already on trunk ${quote(trunk.id)}: the probe adds only a number the trunk does not hold. Name another test number.`)
    report.failed = true
    return report
  }

  // The body the action sends (src/bolna/sip-trunks.ts, trunk.ts).
  const body =
    trunk.api === 'trunk'
      ? { e164: TRUNK_APIS.trunk.spelling(e164, true), destination_key: e164.slice(1) }
      : { phone_number: TRUNK_APIS['sip-trunks'].spelling(e164, true), e164_check_enabled: false, name: 'contract probe' }
  const addedAt = options.clock.now()
  let answer: { status: number; body: unknown } | undefined
  try {
    answer = await http.request('POST', `${base}/numbers`, body, 'unsafe')
  } catch (error) {
    say(`POST ${base}/numbers failed: ${messageOf(error)}`)
    report.failed = true
  }
  let id: string | undefined
  if (answer) {
    const added = isRecord(answer.body) ? answer.body : {}
    say(`POST ${base}/numbers -> ${answer.status}; answer keys: ${Object.keys(added).sort().join(', ') || '(none)'}`)
    const expected = trunk.api === 'trunk' ? [200, 201] : [201]
    if (answer.status === 200 && trunk.api === 'trunk') {
      report.differences.push({ call: `POST ${base}/numbers`, what: 'the add answered 200, not 201', option: 'trunkAddStatus: 200', field: false })
    } else if (!expected.includes(answer.status)) {
      report.differences.push({ call: `POST ${base}/numbers`, what: `the add answered ${answer.status}, not ${expected.join(' or ')}`, field: false })
    }
    const shape = checkShape(trunk.api === 'trunk' ? numberRecord : legacyRecord, answer.body)
    report.fields = shape.fields
    for (const f of shape.fields.filter(f => f.state !== 'found')) {
      const viaOtherKey = f.field === 'id' && trunk.api === 'sip-trunks' && typeof added.phone_number_id === 'string'
      const option = viaOtherKey ? "legacyAddIdKey: 'phone_number_id'" : trunk.api === 'sip-trunks' && f.field === 'name' ? "legacyName: 'absent'" : undefined
      const what = viaOtherKey ? 'id: missing; the id is under "phone_number_id"' : `${f.field}: ${f.state}`
      report.differences.push({ call: `POST ${base}/numbers`, what, ...(option && { option }), field: true })
    }
    // The name sent, answered as null (§5 "Legacy records carrying name"): a name Bolna does not show.
    if (trunk.api === 'sip-trunks' && 'name' in added && added.name === null) {
      report.differences.push({ call: `POST ${base}/numbers`, what: 'name: null, though the add sent one', option: "legacyName: 'null'", field: false })
    }
    const candidate = typeof added.id === 'string' ? added.id : typeof added.phone_number_id === 'string' ? added.phone_number_id : undefined
    id = candidate
  }

  // Until the list shows it: at once, after a lag, or not within settleMs.
  let record: Raw | undefined
  let reads = 0
  for (;;) {
    reads++
    record = (await listed(http, trunk, base)).find(r => mine(r) && !isDeleted(r))
    if (record || options.clock.now() - addedAt >= options.settleMs) break
    await options.clock.sleep(options.pollMs ?? 250)
  }
  const lagMs = options.clock.now() - addedAt
  if (!record) {
    say(`the trunk did not show ${shown} within ${options.settleMs / 1000} s (${reads} reads)`)
    if (answer)
      report.differences.push({
        call: `GET ${base}`,
        what: `an added number not listed within ${options.settleMs / 1000} s`,
        option: `listLagMs: ${options.settleMs}`,
        field: false
      })
    if (!id) {
      say(`it was not removed: no id to remove it by. Check trunk ${quote(trunk.id)} and remove ${shown} if it shows later.`)
      report.failed = true
      return report
    }
  } else if (reads === 1) {
    say(`the trunk showed ${shown} at once (first read after the add)`)
  } else {
    say(`the trunk showed ${shown} after about ${lagMs} ms (${reads} reads)`)
    report.differences.push({ call: `GET ${base}`, what: `an added number listed only after about ${lagMs} ms`, option: `listLagMs: ${lagMs}`, field: false })
  }
  if (record && typeof record.id === 'string') id = record.id
  if (!id) {
    say(`it was not removed: neither the add's answer nor the list gave its id. Remove ${shown} from trunk ${quote(trunk.id)} by hand.`)
    report.failed = true
    return report
  }

  try {
    const removed = await http.request('DELETE', `${base}/numbers/${segment(id)}`, undefined, 'idempotent', 'ignore')
    say(`DELETE ${base}/numbers/${id} -> ${removed.status}`)
  } catch (error) {
    say(`DELETE ${base}/numbers/${id} failed: ${messageOf(error)}. Remove ${shown} (id ${quote(id)}) from trunk ${quote(trunk.id)} by hand.`)
    report.failed = true
    return report
  }

  // A removed number: listed as deleted (the default reading), or gone.
  const removedAt = options.clock.now()
  for (;;) {
    const after = (await listed(http, trunk, base)).find(r => r.id === id || (mine(r) && !isDeleted(r)))
    if (!after) {
      say('after the remove, the trunk no longer lists it')
      report.differences.push({
        call: `GET ${base}`,
        what: 'a removed number is left out of the list, not listed as deleted',
        option: "softDeleted: 'omitted'",
        field: false
      })
      break
    }
    if (isDeleted(after)) {
      say(`after the remove, the trunk lists it as deleted (${after.deleted === true ? 'deleted' : 'is_deleted'}: true)`)
      break
    }
    if (options.clock.now() - removedAt >= options.settleMs) {
      say(`after the remove, the trunk still lists it as live after ${options.settleMs / 1000} s`)
      report.differences.push({ call: `GET ${base}`, what: 'a removed number still listed as live', field: false })
      report.failed = true
      break
    }
    await options.clock.sleep(options.pollMs ?? 250)
  }
  return report
}

/** The trunk's records as Bolna sends them (soft-deleted ones included): the trunk object's, else the legacy list. */
async function listed(http: HttpClient, trunk: TrunkRef, base: string): Promise<Raw[]> {
  const { body } = await http.request('GET', base, undefined, 'idempotent')
  const object = isRecord(body) ? body : {}
  const inObject = trunk.api === 'trunk' ? (object.numbers ?? object.phone_numbers) : object.phone_numbers
  if (Array.isArray(inObject)) return inObject.filter(isRecord)
  if (trunk.api === 'trunk')
    throw new BolnaApiError(`GET ${base} answered a trunk without its numbers`, {
      kind: 'bad-answer',
      method: 'GET',
      path: base,
      retryable: false,
      ambiguous: false
    })
  const list = (await http.request('GET', `${base}/numbers`, undefined, 'idempotent')).body
  const records = isRecord(list) && Array.isArray(list.data) ? list.data : list
  return Array.isArray(records) ? records.filter(isRecord) : []
}

function numberOf(r: Raw): unknown {
  return r.e164 ?? r.phone_number
}

function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
