import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_DEPTH, MAX_FILE_BYTES, parseNumbersFile, readNumbersFile } from '../../src/numbers-file.js'
import { Secrets } from '../../src/secrets.js'

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

// A numbers file written to hurt: too large, not a file, not UTF-8, nested without end, or
// with so many problems that annotating each would flood the log. Each is refused with a
// message the user can act on, at a bounded cost.
describe('a numbers file written to hurt', () => {
  const KEY = 'hostile-key-5f0c9a'
  const secrets = new Secrets([KEY])
  const good = 'version: 1\ntrunks:\n  - trunk_id: t\n    numbers:\n      - phone_number: "919876543210"\n        name: Desk\n'
  const DEPTH = `YAML: nested deeper than a numbers file can be (at most ${MAX_DEPTH} levels; the format itself uses 5)`

  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hostile-files-'))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  async function read(name: string, content?: string | Uint8Array) {
    const path = join(dir, name)
    if (content !== undefined) await writeFile(path, content)
    return readNumbersFile(path, secrets, 'sip-trunks')
  }

  const problemsOf = (result: Awaited<ReturnType<typeof read>>) => (result.ok ? [] : result.problems)

  describe('size: a numbers file is read only up to MAX_FILE_BYTES, checked before it is parsed', () => {
    it('refuses a 25 MiB file at once, naming its size and the limit', async () => {
      // 25 MiB of invalid entries: parsed, it would run the action out of memory.
      const entry = '      - phone_number: "1"\n'
      const huge = `${good}${entry.repeat(Math.ceil((25 * 1024 * 1024) / entry.length))}`
      const started = Date.now()
      const result = await read('huge.yml', huge)
      // Parsed, 25 MiB would take far longer (and run out of memory); generous on a loaded 2-core machine.
      expect(Date.now() - started).toBeLessThan(8_000)
      expect(problemsOf(result)).toEqual([
        {
          message: `the numbers file is 25.0 MiB (${Buffer.byteLength(huge)} bytes); a numbers file can be at most 5.0 MiB (5242880 bytes), room for tens of thousands of numbers: split it, or check that this is the right file`
        }
      ])
    })

    it('reads a file of exactly the limit, and refuses one byte more', async () => {
      const padding = (bytes: number) => `# ${'x'.repeat(bytes - 3)}\n`
      const atLimit = good + padding(MAX_FILE_BYTES - good.length)
      expect(Buffer.byteLength(atLimit)).toBe(MAX_FILE_BYTES)
      expect((await read('at-limit.yml', atLimit)).ok).toBe(true)
      expect(problemsOf(await read('over-limit.yml', `${atLimit} `))).toEqual([
        { message: expect.stringMatching(/^the numbers file is 5\.0 MiB \(5242881 bytes\)/) }
      ])
    })
  })

  describe('kind: only a regular file is read', () => {
    // Windows has no FIFOs, Unix sockets on a file path (net listens on named pipes there) or /dev.
    const unixOnly = it.skipIf(process.platform === 'win32')

    unixOnly('refuses a named pipe at once, where reading would wait for a writer forever', async () => {
      const fifo = join(dir, 'pipe.yml')
      execFileSync('mkfifo', [fifo])
      const result = await Promise.race([read('pipe.yml'), new Promise(resolve => setTimeout(() => resolve('hung'), 3_000))])
      expect(result).toEqual({ ok: false, problems: [{ message: 'cannot read the numbers file: it is a named pipe (FIFO), not a regular file' }] })
    })

    unixOnly('refuses a socket and a device', async () => {
      const socketPath = join(dir, 'socket.yml')
      const server = createServer()
      await new Promise<void>(resolve => server.listen(socketPath, resolve))
      try {
        expect(problemsOf(await read('socket.yml'))).toEqual([{ message: 'cannot read the numbers file: it is a socket, not a regular file' }])
      } finally {
        server.close()
      }
      expect(problemsOf(await readNumbersFile('/dev/zero', secrets, 'sip-trunks'))).toEqual([
        { message: 'cannot read the numbers file: it is a character device, not a regular file' }
      ])
    })

    it('refuses a folder, and names a missing file', async () => {
      await mkdir(join(dir, 'folder.yml'))
      expect(problemsOf(await read('folder.yml'))).toEqual([{ message: 'cannot read the numbers file: it is a folder, not a regular file' }])
      expect(problemsOf(await read('missing.yml'))).toEqual([{ message: 'cannot read the numbers file: no such file' }])
    })
  })

  describe('encoding: the file must be UTF-8', () => {
    it('refuses Latin-1 on the line of its first bad byte, instead of sending "Caf\\uFFFD"', async () => {
      const latin1 = Buffer.from(`${good}      - phone_number: "919876543211"\n        name: Caf\xE9\n`, 'latin1')
      expect(problemsOf(await read('latin1.yml', latin1))).toEqual([
        { line: 8, message: 'line 8 is not UTF-8 text (Latin-1 or Windows-1252, say): save the numbers file as UTF-8' }
      ])
      // A bad byte on the last line, with no newline after it, and a truncated character.
      expect(problemsOf(await read('last.yml', Buffer.concat([Buffer.from(good), Buffer.from([0x23, 0xc3])])))).toEqual([
        { line: 7, message: expect.stringMatching(/^line 7 is not UTF-8/) }
      ])
    })

    it('refuses UTF-16, and reads UTF-8 with or without a byte order mark', async () => {
      const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(good, 'utf16le')])
      expect(problemsOf(await read('utf16.yml', utf16))).toEqual([{ line: 1, message: 'the numbers file is UTF-16 text: save it as UTF-8' }])
      const cafe = good.replace('Desk', 'Café ☎')
      const plain = await read('utf8.yml', cafe)
      const bom = await read('bom.yml', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(cafe)]))
      expect(plain.ok && plain.desired.trunks[0]!.numbers[0]!.name).toBe('Café ☎')
      expect(bom.ok && bom.desired).toEqual(plain.ok && plain.desired)
    })

    it('still refuses a non-UTF-8 file that holds the key as holding it', async () => {
      const file = Buffer.from(`# ${KEY}\n${good}# \xE9\n`, 'latin1')
      expect(problemsOf(await read('key-latin1.yml', file))).toEqual([{ message: expect.stringMatching(/contains the Bolna API key/) }])
    })
  })

  describe('nesting: refused past MAX_DEPTH, before the parsers recurse', () => {
    const cases: [string, string, number][] = [
      ['100,000 "["', '['.repeat(100_000), 1],
      ['100,000 "[" with an anchor (the careful parser)', `&a ${'['.repeat(100_000)}`, 1],
      ['"- - - …" on one line', `${'- '.repeat(100_000)}x\n`, 1],
      ['"- - - …" with a tag', `!t ${'- '.repeat(100_000)}x\n`, 1],
      ['a staircase of sequences', `# &\n${Array.from({ length: 3_000 }, (_, i) => `${' '.repeat(i)}-`).join('\n')}`, 22],
      ['a staircase of mappings', `# *\n${Array.from({ length: 3_000 }, (_, i) => `${' '.repeat(i)}k:`).join('\n')}`, 22],
      ['JSON objects', `\n${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`, 2],
      ['JSON objects with an anchor', `\n${'{"a":'.repeat(50_000)}&x 1${'}'.repeat(50_000)}`, 2]
    ]
    for (const [what, source, line] of cases) {
      it(`refuses ${what}, on line ${line}`, async () => {
        const started = Date.now()
        expect(await parseNumbersFile(source)).toEqual({ ok: false, problems: [{ line, message: DEPTH }] })
        // Parsed, 25 MiB would take far longer (and run out of memory); generous on a loaded 2-core machine.
        expect(Date.now() - started).toBeLessThan(8_000)
      })
    }

    it('refuses 5 MiB of "[" on the careful path within seconds (the parser alone would take minutes)', async () => {
      const started = Date.now()
      expect(await parseNumbersFile(`&a ${'['.repeat(MAX_FILE_BYTES - 3)}`)).toEqual({ ok: false, problems: [{ line: 1, message: DEPTH }] })
      expect(Date.now() - started).toBeLessThan(5_000)
    })

    it('counts MAX_DEPTH levels exactly on both paths, and reads any real numbers file', async () => {
      for (const anchor of ['', '# &\n']) {
        expect(await parseNumbersFile(`${anchor}${'['.repeat(MAX_DEPTH - 1)}${']'.repeat(MAX_DEPTH - 1)}`)).toMatchObject({
          ok: false,
          problems: [{ message: expect.not.stringMatching(/nested/) }]
        })
        expect(await parseNumbersFile(`${anchor}${'['.repeat(MAX_DEPTH + 1)}${']'.repeat(MAX_DEPTH + 1)}`)).toMatchObject({
          ok: false,
          problems: [{ message: DEPTH }]
        })
      }
      // Wide indentation, compact sequences, block and multi-line scalars full of brackets, JSON: all read.
      const wide = `version:        1
trunks:
        -       trunk_id: t
                numbers:
                        -       phone_number: "919876543210"
                                name: >-
                                        Desk [[[[[[[[[[[[[[[[[[[[[[[[[[
                        -
                                phone_number: "919876543211"
                                name: "x [[[[[[[[[[[[[[[[[[[[[[[[[[
                                   y"
`
      const compact = `version: 1
trunks:
- trunk_id: u
  numbers:
  - phone_number: "919876543212"
    name: |-
      {{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{
  - {phone_number: "919876543213", name: "[[[[[[[[[[[[[[[[[[[[[[[["}
`
      const json = JSON.stringify(
        { version: 1, trunks: [{ trunk_id: 't', numbers: [{ phone_number: '919876543210', name: '[[[[[[[[[[[[[[[[[[[[[[[[[' }] }] },
        null,
        8
      )
      for (const source of [wide, compact, json]) {
        // "&" in a comment sends the file down the careful path, past the nesting count.
        for (const variant of [source, `# &\n${source}`]) expect(problemsOf(await parseNumbersFile(variant)), variant).toEqual([])
      }
      // A file of one scalar is not a depth problem either.
      for (const scalar of ['0', '1', 'x'])
        expect(problemsOf(await parseNumbersFile(scalar))).toEqual([{ line: 1, message: expect.stringMatching(/^the file /) }])
      // One level too many for the format is the schema's problem, told precisely.
      expect(problemsOf(await parseNumbersFile(good.replace('name: Desk', 'name: [[[Desk]]]')))).toEqual([
        { line: 6, message: 'trunks[0].numbers[0].name must be a string (quote it)' }
      ])
    })
  })

  describe('the key written with escapes', () => {
    it('is refused when the file spells it with YAML escapes, and never echoed in a problem', async () => {
      const escaped = [...KEY].map(c => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`).join('')
      expect(problemsOf(await read('escaped-name.yml', good.replace('name: Desk', `name: "${escaped}"`)))).toEqual([
        { message: 'the numbers file contains the Bolna API key: remove it from the repository and rotate the key' }
      ])
      const problems = problemsOf(await read('escaped-number.yml', good.replace('"919876543210"', `"${escaped}"`)))
      expect(problems).toHaveLength(1)
      expect(JSON.stringify(problems)).not.toContain(KEY)
      expect(problems[0]!.message).toContain('"***"')
    })
  })
})
