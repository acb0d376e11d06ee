/**
 * Export: a numbers file of what Bolna holds, to adopt the numbers a team already has. Applying
 * it right away plans no change, except the removal of duplicate records of one number.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { TrunkNumber, TrunkRef } from './bolna/port.js'
import { TRUNK_APIS } from './bolna/port.js'
import { parsePhoneNumber } from './phone.js'
import { olderFirst } from './plan.js'

export interface ExportedTrunk {
  trunk: TrunkRef
  numbers: readonly TrunkNumber[]
}

/** A value as YAML reads it back exactly: a double-quoted scalar (JSON's escapes are YAML's). */
const scalar = (value: string) => JSON.stringify(value)

/**
 * The numbers file for these trunks, and how many numbers it lists. A number is written as Bolna
 * stores it, with its name, its agent where Bolna shows one, and (`/trunk`) its destination key.
 * What a numbers file cannot hold is written as a comment saying why: a second record of a number,
 * a number already listed on another trunk, a stored string that is no valid number.
 */
export function exportedFile(trunks: readonly ExportedTrunk[], source: string, at: Date): { text: string; count: number } {
  const lines = [
    `# Exported from Bolna by the bolna-sip-trunk-number action on ${at.toISOString()} (${source}).`,
    '# The numbers as Bolna holds them: applying this file right away changes nothing, except that duplicate records of one number are removed.',
    'version: 1',
    'trunks:'
  ]
  const seen = new Map<string, string>()
  let count = 0
  for (const { trunk, numbers } of trunks) {
    const entries: string[] = []
    let listed = 0
    // Of a number's records, the one an apply of this file keeps comes first: one an agent answers, then the oldest.
    const answered = (n: TrunkNumber) => (n.agent.kind === 'agent' ? 0 : 1)
    const keptFirst = [...numbers].sort((a, b) => answered(a) - answered(b) || olderFirst(a, b))
    for (const number of keptFirst) {
      const skip = (why: string) => entries.push(`      # ${scalar(number.stored)} (id ${scalar(number.id)}) is left out: ${why}`)
      const parsed = parsePhoneNumber(number.stored.trim())
      if ('problem' in parsed) {
        skip(`as stored, it ${parsed.problem.split(':')[0]}`)
        continue
      }
      const first = seen.get(number.e164)
      if (first !== undefined) {
        skip(first === trunk.id ? 'a second record of a number listed above' : `already listed on trunk ${scalar(first)}`)
        continue
      }
      seen.set(number.e164, trunk.id)
      listed++
      entries.push(`      - phone_number: ${scalar(number.stored.trim())}`)
      if (TRUNK_APIS[trunk.api].labels && number.name) entries.push(`        name: ${scalar(number.name)}`)
      if (number.agent.kind === 'agent') entries.push(`        agent_id: ${scalar(number.agent.id)}`)
      if (TRUNK_APIS[trunk.api].destinationKey && number.destinationKey !== null) entries.push(`        destination_key: ${scalar(number.destinationKey)}`)
    }
    // A trunk whose numbers are all left out still lists none ("numbers:" alone would read as null).
    lines.push(`  - trunk_id: ${scalar(trunk.id)}`, `    api: ${trunk.api}`, listed > 0 ? '    numbers:' : '    numbers: []', ...entries)
    count += listed
  }
  return { text: `${lines.join('\n')}\n`, count }
}

export async function writeExport(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  await writeFile(path, text)
}
