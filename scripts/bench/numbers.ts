// The numbers files the rows apply, and the same trunks as a job for scripts/bench/fetch-loop.mjs.
import { trunkId } from './emulator.ts'
import type { Family, TrunkApi } from './emulator.ts'

export interface FileTrunk {
  trunk_id: string
  api: TrunkApi
  /** `name` on legacy trunks only: /trunk numbers have no label. */
  numbers: Array<{ phone_number: string; name?: string }>
}

/**
 * `trunkCount` trunks of `perTrunk` distinct US numbers each: +1 <area> 555 xxxx, the area going up
 * by one every 10,000 numbers (possible by libphonenumber's length rules, which is what the action checks).
 */
export function trunksOf(family: Family, row: string, trunkCount: number, perTrunk: number, area: number): FileTrunk[] {
  return Array.from({ length: trunkCount }, (_, t) => ({
    trunk_id: trunkId(family, row, t + 1),
    api: family.api,
    numbers: Array.from({ length: perTrunk }, (_, n) => {
      const i = t * perTrunk + n
      const line = String(i % 10_000).padStart(4, '0')
      const phone = `+1${area + Math.floor(i / 10_000)}555${line}`
      return family.api === 'trunk' ? { phone_number: phone } : { phone_number: phone, name: `Bench line ${String(i).padStart(4, '0')}` }
    })
  }))
}

export const numberCount = (trunks: readonly FileTrunk[]): number => trunks.reduce((sum, t) => sum + t.numbers.length, 0)

/** The numbers file; `api: trunk` on /trunk trunks, legacy ones take the default. */
export function numbersFileYaml(trunks: readonly FileTrunk[]): string {
  const lines = ['version: 1', 'trunks:']
  for (const trunk of trunks) {
    lines.push(`  - trunk_id: ${trunk.trunk_id}`)
    if (trunk.api !== 'sip-trunks') lines.push(`    api: ${trunk.api}`)
    lines.push('    numbers:')
    for (const number of trunk.numbers) {
      lines.push(`      - phone_number: "${number.phone_number}"`)
      if (number.name !== undefined) lines.push(`        name: ${number.name}`)
    }
  }
  return `${lines.join('\n')}\n`
}
