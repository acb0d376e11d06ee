// A numbers file written to hurt: too large, not a file, not UTF-8, nested without end, or
// with so many problems that annotating each would flood the log. Each is refused with a
// message the user can act on, at a bounded cost.
import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { MAX_DEPTH, MAX_FILE_BYTES, parseNumbersFile, readNumbersFile } from '../../src/numbers-file.js'
import { annotateProblems } from '../../src/report.js'
import { Secrets } from '../../src/secrets.js'

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

describe('annotateProblems: a bounded number of annotations', () => {
  it('annotates the first 50 problems, then one annotation counts the rest', () => {
    const out: string[] = []
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation(chunk => {
      out.push(String(chunk))
      return true
    })
    try {
      annotateProblems(
        'n.yml',
        Array.from({ length: 100_000 }, (_, i) => ({ line: i + 5, message: `problem ${i}` }))
      )
      annotateProblems(
        'm.yml',
        Array.from({ length: 51 }, (_, i) => ({ message: `problem ${i}` }))
      )
      annotateProblems(
        'k.yml',
        Array.from({ length: 50 }, (_, i) => ({ message: `problem ${i}` }))
      )
    } finally {
      spy.mockRestore()
    }
    // @actions/core ends each command with os.EOL: "\r\n" on Windows.
    const lines = out.join('').split(/\r?\n/).filter(Boolean)
    const of = (file: string) => lines.filter(line => line.includes(`file=${file}`))
    expect(of('n.yml')).toHaveLength(51)
    expect(of('n.yml')[0]).toBe('::error title=Bolna numbers file,file=n.yml,line=5::problem 0')
    expect(of('n.yml')[49]).toBe('::error title=Bolna numbers file,file=n.yml,line=54::problem 49')
    expect(of('n.yml')[50]).toBe('::error title=Bolna numbers file,file=n.yml::…and 99950 more problems, not annotated: fix these and run again to see them')
    expect(of('m.yml').at(-1)).toMatch(/::…and 1 more problem, not annotated/)
    expect(of('k.yml')).toHaveLength(50)
    expect(of('k.yml').at(-1)).toMatch(/::problem 49$/)
  })
})
