// export.ts: the numbers file an export writes, read back by the numbers file's own parser.
// (export.property.test.ts checks export-then-plan over hostile values; export-safety.test.ts the writing.)
import { describe, expect, it } from 'vitest'
import { exportedFile } from '../../src/export.js'
import type { ExportedTrunk } from '../../src/export.js'
import { parseNumbersFile } from '../../src/numbers-file.js'
import { stored, trunk } from '../helpers/model.js'

const AT = new Date('2026-12-04T00:00:00Z')
const NEW = '3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e21'

/** The numbers the exported file lists, as its parser reads them back, by trunk. */
async function readBack(trunks: readonly ExportedTrunk[]) {
  const { text } = exportedFile(trunks, 'a test', AT)
  const parsed = await parseNumbersFile(text)
  if (!parsed.ok) throw new Error(`the export does not parse: ${JSON.stringify(parsed.problems)}\n${text}`)
  return { text, trunks: parsed.desired.trunks }
}

describe("export's destination keys", () => {
  it('a /trunk number keeps its destination key, whatever it is, and reads back with it', async () => {
    const { text, trunks } = await readBack([
      {
        trunk: trunk(NEW, 'trunk'),
        numbers: [
          stored('n1', '+14155550101', { destinationKey: '14155550101' }),
          stored('n2', '+14155550102', { destinationKey: 'sales-desk' }),
          stored('n3', '+14155550103', { destinationKey: null })
        ]
      }
    ])
    expect(text).toContain('destination_key: "sales-desk"')
    const keys = Object.fromEntries(trunks[0]!.numbers.map(n => [n.e164, n.destinationKey]))
    expect(keys).toEqual({ '+14155550101': '14155550101', '+14155550102': 'sales-desk', '+14155550103': undefined })
  })

  it('a legacy number never gets one, even if a record carries one: /sip-trunks has no destination key', async () => {
    const { text, trunks } = await readBack([{ trunk: trunk('trunk-1'), numbers: [stored('n1', '919876543210', { destinationKey: 'stray' })] }])
    expect(text).not.toContain('destination_key')
    expect(trunks[0]!.numbers[0]!.destinationKey).toBeUndefined()
  })

  it('a destination key the file would refuse takes its number out, with a comment saying why', async () => {
    const { text, trunks } = await readBack([
      {
        trunk: trunk(NEW, 'trunk'),
        numbers: [stored('n1', '+14155550101', { destinationKey: 'a\nb' }), stored('n2', '+14155550102', { destinationKey: 'ok' })]
      }
    ])
    expect(text).toMatch(/# "\+14155550101" \(id "n1"\) is left out: its destination_key .* /)
    expect(trunks[0]!.numbers.map(n => n.e164)).toEqual(['+14155550102'])
  })
})

describe('the exported file', () => {
  it('lists each trunk with its API, and a number once: a second record is a comment', async () => {
    const { text, trunks } = await readBack([
      {
        trunk: trunk('trunk-1'),
        numbers: [
          stored('old', '919876543210', { createdAt: '2026-01-01T00:00:00Z' }),
          stored('new', '+919876543210', { agent: 'agent-x', createdAt: '2026-02-01T00:00:00Z' })
        ]
      },
      { trunk: trunk(NEW, 'trunk'), numbers: [] }
    ])
    expect(trunks.map(t => [t.trunk.id, t.trunk.api])).toEqual([
      ['trunk-1', 'sip-trunks'],
      [NEW, 'trunk']
    ])
    // The record an agent answers is the one listed, with its agent; the other is named in a comment.
    expect(trunks[0]!.numbers).toHaveLength(1)
    expect(trunks[0]!.numbers[0]).toMatchObject({ e164: '+919876543210', agentId: 'agent-x' })
    expect(text).toContain('# "919876543210" (id "old") is left out: a second record of a number listed above')
    expect(text).toContain('numbers: []')
  })
})
