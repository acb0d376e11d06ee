import { describe, expect, it } from 'vitest'
import { parseNumbersFile } from '../../src/numbers-file.js'

const good = `version: 1
defaults:
  e164_check_enabled: false
trunks:
  - trunk_id: 01HQXYZ123ABC456DEF
    prune: true
    numbers:
      - phone_number: "919876543210"
        name: Mumbai Support Line
      - phone_number: "+14155550123"
        name: SF Front Desk
        e164_check_enabled: true
        agent_id: agent-1
`

describe('the numbers file', () => {
  it('reads the documented shape into the desired state', async () => {
    const result = await parseNumbersFile(good)
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.desired.trunks).toEqual([
      {
        trunk: { id: '01HQXYZ123ABC456DEF', api: 'sip-trunks' },
        prune: true,
        numbers: [
          { written: '919876543210', e164: '+919876543210', withPlus: false, name: 'Mumbai Support Line', e164CheckEnabled: false },
          { written: '+14155550123', e164: '+14155550123', withPlus: true, name: 'SF Front Desk', e164CheckEnabled: true, agentId: 'agent-1' }
        ]
      }
    ])
  })

  it("reads each trunk's API family: its own api:, else defaults.api, else the trunk_api input", async () => {
    const file = (defaults: string) => `version: 1
${defaults}trunks:
  - trunk_id: 01HQLEGACY
    api: sip-trunks
    numbers: []
  - trunk_id: 3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e21
    numbers:
      - phone_number: "+1 (415) 555-0199"
        destination_key: "4155550199"
        agent_id: null
`
    const apis = async (source: string, input: 'sip-trunks' | 'trunk') => {
      const result = await parseNumbersFile(source, input)
      return result.ok ? result.desired.trunks.map(t => t.trunk.api) : result.problems
    }
    expect(await apis(file('defaults:\n  api: trunk\n'), 'sip-trunks')).toEqual(['sip-trunks', 'trunk'])
    expect(await apis(file(''), 'trunk')).toEqual(['sip-trunks', 'trunk'])
    const read = await parseNumbersFile(file(''), 'trunk')
    expect(read.ok && read.desired.trunks[1]!.numbers).toEqual([
      { written: '+1 (415) 555-0199', e164: '+14155550199', withPlus: true, e164CheckEnabled: false, destinationKey: '4155550199', agentId: null }
    ])
    // With no api on the trunk and sip-trunks the default, destination_key is refused on its line.
    expect(await apis(file(''), 'sip-trunks')).toEqual([
      {
        line: 9,
        message: "trunks[1].numbers[0].destination_key applies only to trunks with api: trunk; Bolna's legacy /sip-trunks API has no such field"
      }
    ])
    expect(await apis(file('defaults:\n  api: trunks\n'), 'trunk')).toEqual([{ line: 3, message: 'defaults.api must be one of: sip-trunks, trunk' }])
  })

  it('reads a plain file and one with anchors and aliases alike (two parsers, one result)', async () => {
    const anchored = good
      .replace('  e164_check_enabled: false', '  e164_check_enabled: &off false')
      .replace('        e164_check_enabled: true', '        e164_check_enabled: *off')
    const plain = good.replace('        e164_check_enabled: true', '        e164_check_enabled: false')
    const [a, b] = [await parseNumbersFile(anchored), await parseNumbersFile(plain)]
    if (!a.ok || !b.ok) throw new Error('both files are valid')
    expect(a.desired).toEqual(b.desired)
    expect(await a.trunkLines()).toEqual(await b.trunkLines())
  })

  it('accepts JSON', async () => {
    const result = await parseNumbersFile(JSON.stringify({ version: 1, trunks: [{ trunk_id: 't', numbers: [{ phone_number: '919876543210' }] }] }))
    expect(result.ok).toBe(true)
  })

  it('reports every problem on its line, not just the first', async () => {
    const result = await parseNumbersFile(`version: 1
trunks:
  - trunk_id: t1
    numbers:
      - phone_number: "919876543210"
        nmae: typo
      - phone_number: 919876543211
  - trunk_id: t2
    prnue: true
    numbers: []
`)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.problems).toEqual([
      {
        line: 6,
        message: expect.stringMatching(
          /trunks\[0\]\.numbers\[0\]\.nmae: unknown key \(allowed here: phone_number, name, e164_check_enabled, destination_key, agent_id\)/
        )
      },
      { line: 7, message: expect.stringMatching(/trunks\[0\]\.numbers\[1\]\.phone_number must be a quoted string/) },
      { line: 9, message: expect.stringMatching(/trunks\[1\]\.prnue: unknown key/) }
    ])
  })

  it('refuses a number twice on one trunk, or on two trunks, and bad numbers, all at once', async () => {
    const result = await parseNumbersFile(`version: 1
trunks:
  - trunk_id: t1
    numbers:
      - phone_number: "919876543210"
      - phone_number: "+91 98765 43210"
  - trunk_id: t2
    numbers:
      - phone_number: "+919876543210"
      - phone_number: "12"
      - phone_number: "919876543299"
        e164_check_enabled: true
      - phone_number: "(415) 555-0123"
`)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.problems.map(p => [p.line, p.message])).toEqual([
      [6, expect.stringMatching(/is listed twice on trunk "t1" \(first on line 5\)/)],
      [9, expect.stringMatching(/is already listed on trunk "t1"; Bolna allows one active trunk per number \(first on line 5\)/)],
      [10, expect.stringMatching(/has 2 digits/)],
      [11, expect.stringMatching(/must start with "\+" when e164_check_enabled is true/)],
      [13, expect.stringMatching(/"\(415\) 555-0123" is not a possible phone number with a country code .*international form/)]
    ])
  })

  it('refuses numbers libphonenumber calls impossible for their country', async () => {
    const result = await parseNumbersFile('version: 1\ntrunks:\n  - trunk_id: t\n    numbers:\n      - phone_number: "9198765"\n')
    expect(result).toMatchObject({ ok: false, problems: [{ line: 5, message: expect.stringMatching(/not a possible phone number/) }] })
  })

  it('reports YAML syntax errors and a wrong version on their lines', async () => {
    expect(await parseNumbersFile('version: 1\ntrunks: [\n')).toMatchObject({
      ok: false,
      problems: [{ line: expect.any(Number), message: expect.stringMatching(/^YAML: /) }]
    })
    expect(await parseNumbersFile('version: 2\ntrunks:\n  - trunk_id: t\n    numbers: []\n')).toMatchObject({
      ok: false,
      problems: [{ line: 1, message: 'version must be 1' }]
    })
    expect(await parseNumbersFile('version: 1\nversion: 1\ntrunks: []\n')).toMatchObject({ ok: false, problems: [{ line: 2 }] })
    expect(await parseNumbersFile('*!')).toMatchObject({ ok: false, problems: [{ message: expect.stringMatching(/^YAML: Unresolved alias/) }] })
    const laughs = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      ...Array.from({ length: 8 }, (_, i) => `${'bcdefghi'[i]}: &${'bcdefghi'[i]} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`)
    ].join('\n')
    expect(await parseNumbersFile(laughs)).toMatchObject({ ok: false, problems: [{ message: expect.stringMatching(/^YAML: .*alias/i) }] })
    expect(await parseNumbersFile('')).toMatchObject({ ok: false, problems: [{ message: expect.stringMatching(/the file/) }] })
  })

  it('defaults.e164_check_enabled applies to every number that does not set its own', async () => {
    const source = [
      'version: 1',
      'defaults:',
      '  e164_check_enabled: true',
      'trunks:',
      '  - trunk_id: t',
      '    numbers:',
      '      - phone_number: "+919876543210"',
      '      - phone_number: "14155550123"',
      '        e164_check_enabled: false',
      ''
    ].join('\n')
    const read = await parseNumbersFile(source)
    if (!read.ok) throw new Error(JSON.stringify(read.problems))
    expect(read.desired.trunks[0]!.numbers.map(n => [n.written, n.e164CheckEnabled])).toEqual([
      ['+919876543210', true],
      ['14155550123', false]
    ])
    // Without its "+", the number the default covers is refused on its line, as Bolna would refuse it.
    const refused = await parseNumbersFile(source.replace('"+919876543210"', '"919876543210"'))
    expect(refused.ok ? [] : refused.problems).toEqual([{ line: 7, message: expect.stringMatching(/must start with "\+" when e164_check_enabled is true/) }])
  })
})
