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
        trunkId: '01HQXYZ123ABC456DEF',
        prune: true,
        numbers: [
          { phoneNumber: '919876543210', digits: '919876543210', name: 'Mumbai Support Line', e164CheckEnabled: false, agentId: undefined },
          { phoneNumber: '+14155550123', digits: '14155550123', name: 'SF Front Desk', e164CheckEnabled: true, agentId: 'agent-1' }
        ]
      }
    ])
  })

  it('reads a plain file and one with anchors and aliases alike (two parsers, one result)', async () => {
    const anchored = good
      .replace('  e164_check_enabled: false', '  e164_check_enabled: &off false')
      .replace('        e164_check_enabled: true', '        e164_check_enabled: *off')
    const plain = good.replace('        e164_check_enabled: true', '        e164_check_enabled: false')
    const [a, b] = [await parseNumbersFile(anchored), await parseNumbersFile(plain)]
    expect(a.ok && b.ok).toBe(true)
    expect(a).toEqual(b)
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
        message: expect.stringMatching(/trunks\[0\]\.numbers\[0\]\.nmae: unknown key \(allowed here: phone_number, name, e164_check_enabled, agent_id\)/)
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
`)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.problems.map(p => [p.line, p.message])).toEqual([
      [6, expect.stringMatching(/is listed twice on trunk "t1" \(first on line 5\)/)],
      [9, expect.stringMatching(/is already listed on trunk "t1"; Bolna allows one active trunk per number \(first on line 5\)/)],
      [10, expect.stringMatching(/has 2 digits/)],
      [11, expect.stringMatching(/not in E\.164 format/)]
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
})
