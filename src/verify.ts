/**
 * The check after an apply: each trunk written is read again until it shows exactly the result,
 * one record per planned number. Duplicates that appear meanwhile (another run writing the same
 * trunk at once) are healed here, keeping the record every run agrees on, or fail the step.
 */
import type { ApplyResult } from './apply.js'
import type { Bolna, TrunkNumber, TrunkRef } from './bolna/port.js'
import { pollUntil } from './clock.js'
import type { Clock } from './clock.js'
import { eachConcurrently } from './concurrency.js'
import { keeper } from './plan.js'
import { messageOf, quote } from './text.js'

export interface VerifyOptions {
  /** How long the trunk may take to show what was written. */
  settleMs: number
  clock: Clock
  /** One line per duplicate record removed. */
  log?: (line: string) => void
}

/** What a trunk that was written did not show within settleMs. */
export interface Unverified {
  trunkId: string
  missing: string[]
  /** Numbers still held by more than one record: another run likely wrote the trunk at once. */
  duplicates?: number
}

/** Said when duplicates could not be healed: why they appear, and how to stop it. */
export const CONCURRENT_RUNS_HINT =
  'More than one record of a number appeared while this run wrote: another run was likely writing the same trunks at once. ' +
  'Give every workflow that applies a numbers file one concurrency group (concurrency: { group: bolna-numbers, cancel-in-progress: false }), so runs wait for each other; a re-run removes the extra records.'

interface Wanted {
  /** The agent the number must show (null: none), or undefined when the run did not set it. */
  agent: string | null | undefined
  /** The agent the file names, which picks the record to keep among duplicates. */
  fileAgent: string | null | undefined
  result: ApplyResult
}

interface Check {
  trunk: TrunkRef
  present: Map<string, Wanted>
  absent: Set<string>
  wrote: boolean
}

/** At most this many rounds of removing duplicates in one verification of a trunk. */
const HEALING_ROUNDS = 3

/**
 * Re-reads each trunk the apply wrote until it shows the result: every number that was added or
 * kept is there exactly once, every removed record is gone, and each mapping made shows (where
 * Bolna shows mappings). Extra records of a planned number are removed (the record kept is the
 * one the plan's rule picks, so two runs at once keep the same one), and the result then names the
 * record kept. One list per written trunk when Bolna is not lagging; bounded by settleMs. So a
 * green step means Bolna's list shows its numbers once each. Each result names the change it answers.
 */
export async function verifyApplied(bolna: Bolna, results: readonly ApplyResult[], options: VerifyOptions): Promise<Unverified[]> {
  const checks = new Map<string, Check>()
  for (const result of results) {
    const { change } = result
    if (result.status === 'failed') continue
    const check = checks.get(change.trunk.id) ?? { trunk: change.trunk, present: new Map(), absent: new Set<string>(), wrote: false }
    checks.set(change.trunk.id, check)
    if (change.action === 'remove' || change.action === 'replace') check.absent.add(change.number.id)
    if (change.action !== 'remove') {
      check.present.set(change.want.e164, { agent: mapped(result) ? (result.agent_id ?? null) : undefined, fileAgent: change.want.agentId, result })
    }
    if (wrote(result)) check.wrote = true
  }
  const unverified: Unverified[] = []
  await eachConcurrently(
    [...checks.values()].filter(check => check.wrote),
    4,
    async check => {
      let missing: string[] = []
      let duplicates = 0
      let rounds = 0
      // A read that fails is one more reason to look again, not the end of the run: what was
      // written is reported either way, and the reason is said when the trunk never shows it.
      const shown = await pollUntil(options.clock, options.settleMs, 1_000, async () => {
        try {
          let numbers = await bolna.listNumbers(check.trunk)
          const extra = extraRecords(numbers, check)
          if (extra.length > 0 && rounds < HEALING_ROUNDS) {
            rounds++
            await removeExtra(bolna, check.trunk, extra, options)
            numbers = await bolna.listNumbers(check.trunk)
          }
          ;({ missing, duplicates } = whatIsMissing(numbers, check))
        } catch (error) {
          missing = [`it could not be read again: ${messageOf(error)}`]
        }
        return missing.length === 0 ? true : undefined
      })
      if (!shown) unverified.push({ trunkId: check.trunk.id, missing, ...(duplicates > 0 && { duplicates }) })
    }
  )
  return unverified
}

/** The records of planned numbers beyond the one to keep, each with the record kept. */
function extraRecords(numbers: readonly TrunkNumber[], check: Check): { record: TrunkNumber; kept: TrunkNumber; wanted: Wanted }[] {
  // Records this run removed may still be listed (lag): they are checked apart, never kept.
  const byE164 = Map.groupBy(
    numbers.filter(n => !check.absent.has(n.id)),
    n => n.e164
  )
  const extra: { record: TrunkNumber; kept: TrunkNumber; wanted: Wanted }[] = []
  for (const [e164, wanted] of check.present) {
    const records = byE164.get(e164) ?? []
    const kept = keeper(records, wanted.fileAgent)?.number
    if (records.length < 2 || !kept) continue
    for (const record of records) if (record !== kept) extra.push({ record, kept, wanted })
  }
  return extra
}

/** Removes duplicate records; the results then name the record kept. A removal that fails is left for the next read. */
async function removeExtra(bolna: Bolna, trunk: TrunkRef, extra: ReturnType<typeof extraRecords>, options: VerifyOptions): Promise<void> {
  await eachConcurrently(extra, 4, async ({ record, kept, wanted }) => {
    try {
      await bolna.removeNumber(trunk, record)
    } catch {
      return
    }
    options.log?.(
      `Removed a duplicate record of ${quote(record.stored)} (id ${quote(record.id)}) that appeared on trunk ${quote(trunk.id)} while this run wrote (another run at once?); kept id ${quote(kept.id)}.`
    )
    const { result } = wanted
    if (result.number_id === record.id) {
      Object.assign(result, { number_id: kept.id, phone_number: kept.stored, name: kept.name, number: kept })
    }
  })
}

function whatIsMissing(numbers: readonly TrunkNumber[], check: Check): { missing: string[]; duplicates: number } {
  const missing: string[] = []
  let duplicates = 0
  // One pass, not one search a number; records this run removed are checked below.
  const byE164 = Map.groupBy(
    numbers.filter(n => !check.absent.has(n.id)),
    n => n.e164
  )
  for (const [e164, { agent }] of check.present) {
    const records = byE164.get(e164) ?? []
    const found = records[0]
    if (!found) {
      missing.push(`${quote(e164)} is not listed`)
      continue
    }
    if (records.length > 1) {
      duplicates++
      missing.push(`${quote(e164)} is held by ${records.length} records, not one`)
    }
    const shows = (n: TrunkNumber) => n.agent.kind === 'unknown' || (n.agent.kind === 'agent' ? n.agent.id : null) === agent
    if (agent !== undefined && !records.every(shows)) missing.push(`${quote(e164)} does not show agent ${agent === null ? 'none' : quote(agent)} yet`)
  }
  for (const number of numbers) if (check.absent.has(number.id)) missing.push(`${quote(number.stored)} (id ${quote(number.id)}) is still listed`)
  return { missing, duplicates }
}

/** True when the apply wrote this entry: added, removed, replaced, or its mapping set. */
function wrote(result: ApplyResult): boolean {
  return result.status !== 'failed' && (result.status !== 'exists' || mapped(result))
}

function mapped(result: ApplyResult): boolean {
  return result.agent_status === 'mapped' || result.agent_status === 'unmapped'
}

/** How many trunks the apply wrote to (those verifyApplied reads again). */
export function writtenTrunks(results: readonly ApplyResult[]): number {
  return new Set(results.filter(wrote).map(r => r.change.trunk.id)).size
}

/** Why the step fails after verifying: the trunks that did not show what was written (and, for duplicates, why they appear); or undefined. */
export function unverifiedProblem(unverified: readonly Unverified[]): string | undefined {
  if (unverified.length === 0) return undefined
  const lines = unverified.map(
    u => `  trunk ${quote(u.trunkId)}: ${u.missing.slice(0, 5).join('; ')}${u.missing.length > 5 ? `; and ${u.missing.length - 5} more` : ''}`
  )
  const hint = unverified.some(u => u.duplicates) ? `\n${CONCURRENT_RUNS_HINT}` : ''
  return `Applied, but not verified: ${unverified.length} trunk(s) did not show the result within settle_seconds. Re-run to check (a re-run adds nothing twice once the list shows it):\n${lines.join('\n')}${hint}`
}
