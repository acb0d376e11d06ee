// src/report.ts: what the step writes — outputs (GITHUB_OUTPUT), the job summary (GITHUB_STEP_SUMMARY),
// the run files under RUNNER_TEMP, log lines and annotations (stdout) — read back as the runner would.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { applyPlan } from '../../src/apply.js'
import type { ApplyResult } from '../../src/apply.js'
import type { Bolna } from '../../src/bolna/port.js'
import { planChanges } from '../../src/plan.js'
import { annotateProblems, reportExport, reportFailure, reportNumber, reportPlan, reportResults, reportVerification, reportWarnings } from '../../src/report.js'
import { Secrets, useSecrets } from '../../src/secrets.js'
import { parseOutputs } from '../helpers/run-action.ts'
import { stored, trunk, wanted } from '../helpers/model.ts'

// One directory for the whole file: @actions/core's summary keeps the first GITHUB_STEP_SUMMARY
// it reads, so each test empties the same files instead of pointing at new ones.
let dir: string
let stdout: string[]

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'report-'))
})
beforeEach(async () => {
  await writeFile(join(dir, 'output'), '')
  await writeFile(join(dir, 'summary'), '')
  vi.stubEnv('GITHUB_OUTPUT', join(dir, 'output'))
  vi.stubEnv('GITHUB_STEP_SUMMARY', join(dir, 'summary'))
  vi.stubEnv('RUNNER_TEMP', dir)
  vi.stubEnv('GITHUB_ACTION', 'step_1')
  stdout = []
  vi.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    stdout.push(String(chunk))
    return true
  })
})
afterEach(() => {
  vi.restoreAllMocks()
  vi.unstubAllEnvs()
})

const outputs = async () => parseOutputs(await readFile(join(dir, 'output'), 'utf8'))
const summary = () => readFile(join(dir, 'summary'), 'utf8')
const lines = () => stdout.join('').split(/\r?\n/)

/** Results of a real apply of `desired` over a Bolna that adds everything and fails `failing`. */
async function applied(failing = new Set<string>()): Promise<ApplyResult[]> {
  const t1 = trunk('t1')
  const plan = planChanges(
    { trunks: [{ trunk: t1, prune: true, numbers: [wanted('919876543210', { name: 'Desk' }), wanted('919876543211')] }] },
    new Map([['t1', [stored('old', '918888888888')]]]),
    true
  )
  let n = 0
  const bolna = {
    addNumber: async (_t: unknown, number: { e164: string }) => {
      if (failing.has(number.e164)) throw new Error('refused')
      return { status: 'created', number: stored(`new${n++}`, number.e164.slice(1)) }
    },
    removeNumber: async () => 'removed'
  } as unknown as Bolna
  return applyPlan(bolna, plan, new Map([['t1', [stored('old', '918888888888')]]]), { concurrency: 1, setAgentTelephony: false, log: () => {} })
}

describe('reportResults', () => {
  it('sets the counts, the results output and file (without the record or the change), and the applied table', async () => {
    const results = await applied(new Set(['+919876543211']))
    await reportResults(results)
    const out = await outputs()
    expect(out).toMatchObject({ created: '1', removed: '1', failed: '1' })
    const listed = JSON.parse(out.results!) as Record<string, unknown>[]
    expect(listed.map(r => [r.phone_number, r.status])).toEqual([
      ['919876543210', 'created'],
      ['919876543211', 'failed'],
      ['918888888888', 'removed']
    ])
    for (const r of listed) expect(Object.keys(r)).not.toEqual(expect.arrayContaining(['change']))
    for (const r of listed) expect(r).not.toHaveProperty('number')
    expect(JSON.parse(await readFile(out.results_file!, 'utf8'))).toEqual(listed)
    expect(out.results_file).toBe(join(dir, 'bolna-numbers-results-step_1.json'))
    expect(lines()).toContain('Applied: 1 created, 1 removed, 0 already there, 1 failed.')
    expect(await summary()).toMatch(/<h4>Applied<\/h4>[\s\S]*919876543211[\s\S]*refused/)
  })
})

describe('reportVerification', () => {
  it('a no-op apply says nothing was written, not "Verified: 0"; an apply whose every change failed says nothing here', async () => {
    await reportVerification([], 0, 0)
    expect(lines()).toContain('Nothing was written: Bolna already holds every number as wanted.')
    expect(await summary()).toContain('Nothing was written: Bolna already holds every number as wanted.')
    stdout.length = 0
    await writeFile(join(dir, 'summary'), '')
    await reportVerification([], 0, 2)
    expect(stdout.join('')).toBe('')
    expect(await summary()).toBe('')
  })

  it('says the written trunks were read again, in the log and the summary', async () => {
    await reportVerification([], 2, 0)
    expect(lines()).toContain('Verified: 2 trunk(s) written were read again and show the result.')
    expect(await summary()).toContain('Verified: 2 trunk(s) written')
  })

  it('names each trunk that did not show the result, with what was missing (escaped), and claims no verification', async () => {
    await reportVerification([{ trunkId: 't<1>', missing: ['"+919876543210" is not listed'] }], 1, 0)
    expect(stdout.join('')).not.toContain('Verified:')
    expect(await summary()).toContain('Not verified: trunk t&lt;1&gt; did not show the result within settle_seconds: "+919876543210" is not listed')
  })
})

describe('reportWarnings', () => {
  it('annotates each warning on its trunk line of the file, sets the warnings output, and tables them', async () => {
    const lineOf = (id: string) => (id === 't1' ? 3 : undefined)
    await reportWarnings(
      [
        { trunkId: 't1', message: 'one' },
        { trunkId: 't2', message: 'two' }
      ],
      { shownAs: 'n.yml', lineOf }
    )
    expect(lines()).toEqual(expect.arrayContaining(['::warning title=Bolna trunk,file=n.yml,line=3::one', '::warning title=Bolna trunk,file=n.yml::two']))
    expect((await outputs()).warnings).toBe('2')
    expect(await summary()).toContain('<h4>Warnings</h4>')
  })

  it('without a file, plain warnings; with none, only the output 0', async () => {
    await reportWarnings([{ trunkId: 't1', message: 'one' }])
    expect(lines()).toContain('::warning title=Bolna trunk::one')
    await reportWarnings([])
    expect((await outputs()).warnings).toBe('0')
  })
})

describe('annotateProblems and reportFailure', () => {
  it('annotates the first 50 problems on their lines, then one that counts the rest', () => {
    const problems = Array.from({ length: 53 }, (_, i) => ({ line: i + 1, message: `p${i}` }))
    annotateProblems('n.yml', [{ message: 'no line' }, ...problems])
    const errors = lines().filter(line => line.startsWith('::error'))
    expect(errors).toHaveLength(51)
    expect(errors[0]).toBe('::error title=Bolna numbers file,file=n.yml::no line')
    expect(errors[1]).toBe('::error title=Bolna numbers file,file=n.yml,line=1::p0')
    expect(errors[50]).toBe('::error title=Bolna numbers file,file=n.yml::…and 4 more problems, not annotated: fix these and run again to see them')
  })

  it('writes the reason and the first 50 problems to the summary', async () => {
    await reportFailure('it <broke>', [{ line: 2, message: 'bad' }, ...Array.from({ length: 50 }, () => ({ message: 'x' }))])
    const text = await summary()
    expect(text).toContain('Bolna numbers: failed')
    expect(text).toContain('it &lt;broke&gt;')
    expect(text).toContain('<li>line 2: bad</li>')
    expect(text).toContain('…and 1 more problems.')
  })
})

describe('reportPlan, reportNumber and reportExport', () => {
  it('reportPlan: the counts, the plan output and file, and the dry-run line in the summary', async () => {
    const plan = planChanges({ trunks: [{ trunk: trunk('t1'), prune: false, numbers: [wanted('919876543210')] }] }, new Map([['t1', []]]), false)
    await reportPlan(plan, 'n.yml', true)
    const out = await outputs()
    expect(out).toMatchObject({ to_add: '1', to_remove: '0', unchanged: '0', has_changes: 'true' })
    expect(JSON.parse(await readFile(out.plan_file!, 'utf8'))).toEqual(JSON.parse(out.plan!))
    expect(await summary()).toContain('Dry run: nothing was changed.')
  })

  it('reportNumber: a planned add has no id; a number found has its record', async () => {
    const base = { trunk: trunk('t1'), want: wanted('+919876543210', { agentId: 'ag1' }), differences: [], notes: [], hasChanges: true }
    await reportNumber({ ...base, status: 'planned', agentStatus: 'planned' })
    expect(await outputs()).toMatchObject({ status: 'planned', number_id: '', phone_number: '+919876543210', trunk_id: 't1', agent_status: 'planned' })
    expect(lines()).toContain('Dry run: would add "+919876543210" to trunk "t1" and map it to agent "ag1".')
    await writeFile(join(dir, 'output'), '')
    await reportNumber({ ...base, status: 'exists', number: stored('r1', '919876543210'), hasChanges: false, agentStatus: 'unchanged' })
    expect(await outputs()).toMatchObject({ status: 'exists', number_id: 'r1', has_changes: 'false' })
    expect(JSON.parse((await outputs()).number!)).toMatchObject({ id: 'r1', trunk_id: 't1' })
  })

  it('reportExport: the count output and one line', async () => {
    await reportExport(3, 2, 'out.yml')
    expect((await outputs()).exported).toBe('3')
    expect(lines()).toContain('Exported 3 number(s) from 2 trunk(s) to "out.yml".')
  })
})

describe('headings, tables and notices', () => {
  it('reportNumber: one table under its heading, outside values escaped; a difference is a warning saying how to change it', async () => {
    const number = stored('r<1>', '919876543210', { name: 'Old' })
    await reportNumber({
      trunk: trunk('t1'),
      want: wanted('919876543210', { name: 'New' }),
      status: 'exists',
      number,
      differences: [{ field: 'name', bolna: 'Old', file: 'New' }],
      notes: ['a note'],
      hasChanges: false
    })
    const text = await summary()
    expect(text).toMatch(/^<h3>Bolna numbers: one number<\/h3>\n<table><tr><th>Trunk<\/th><th>API<\/th><th>Number<\/th><th>Name<\/th><th>Status<\/th>/)
    expect(text).toContain('<td>t1</td><td>sip-trunks</td><td>919876543210</td><td>Old</td><td>exists</td><td>r&lt;1&gt;</td><td>—</td>')
    expect(lines()).toContain('::notice title=Input not used::a note')
    expect(lines()).toContain(
      '::warning::The number on trunk "t1" is named "Old", not "New". Bolna has no rename endpoint: remove and re-add the number to change it.'
    )
  })

  it('reportWarnings: notices get their own table and annotation, and the warnings output counts only warnings', async () => {
    await reportWarnings([
      { trunkId: 't1', message: 'inactive' },
      { trunkId: 't2', message: 'no agent', level: 'notice' }
    ])
    expect(lines()).toEqual(expect.arrayContaining(['::warning title=Bolna trunk::inactive', '::notice title=Bolna trunk::no agent']))
    expect((await outputs()).warnings).toBe('1')
    const text = await summary()
    expect(text).toContain('<h4>Warnings</h4>')
    expect(text).toContain('<h4>Notices</h4>')
    expect(text.indexOf('inactive')).toBeLessThan(text.indexOf('<h4>Notices</h4>'))
    expect(text.indexOf('no agent')).toBeGreaterThan(text.indexOf('<h4>Notices</h4>'))
  })

  it('an annotation is one line: a message with newlines cannot start a workflow command', () => {
    annotateProblems('n.yml', [{ line: 4, message: 'bad\n::error::forged' }])
    const errors = lines().filter(line => line.startsWith('::'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/^::error title=Bolna numbers file,file=n.yml,line=4::bad/)
  })

  it('reportExport: its own heading and line in the summary', async () => {
    await reportExport(0, 1, 'a<b>.yml')
    expect(await summary()).toBe('<h3>Bolna numbers: export</h3>\n\nExported 0 number(s) from 1 trunk(s) to "a&lt;b&gt;.yml".\n\n')
  })
})

describe('what does not fit', () => {
  /** Results of `count` numbers added to one trunk (the summary table shows at most 1,000 rows). */
  async function many(count: number): Promise<ApplyResult[]> {
    const numbers = Array.from({ length: count }, (_, i) => wanted(`9198${String(10_000_000 + i)}`))
    const plan = planChanges({ trunks: [{ trunk: trunk('t1'), prune: false, numbers }] }, new Map([['t1', []]]), false)
    let n = 0
    const bolna = {
      addNumber: async (_t: unknown, number: { e164: string }) => ({ status: 'created', number: stored(`id${n++}`, number.e164.slice(1)) })
    } as unknown as Bolna
    return applyPlan(bolna, plan, new Map([['t1', []]]), { concurrency: 4, setAgentTelephony: false, log: () => {} })
  }

  it('the applied table stops at 1,000 rows and says where the rest is; the results file holds them all', async () => {
    const results = await many(1_200)
    await reportResults(results)
    const text = await summary()
    expect(text.match(/<tr>/g)).toHaveLength(1_001)
    expect(text).toContain('…and 200 more entries: see the results_file output.')
    const out = await outputs()
    expect(JSON.parse(await readFile(out.results_file!, 'utf8'))).toHaveLength(1_200)
    expect(out.created).toBe('1200')
  })

  it('the plan output stops within 256 KiB and counts what it cut; the plan file holds every change', async () => {
    const numbers = Array.from({ length: 4_000 }, (_, i) => wanted(`9198${String(10_000_000 + i)}`, { name: 'n'.repeat(60) }))
    const plan = planChanges({ trunks: [{ trunk: trunk('t1'), prune: false, numbers }] }, new Map([['t1', []]]), false)
    await reportPlan(plan, 'n.yml', false)
    const out = await outputs()
    const shown = JSON.parse(out.plan!) as { changes: unknown[]; changes_cut: number }
    expect(Buffer.byteLength(JSON.stringify(shown.changes))).toBeLessThanOrEqual(256 * 1024)
    expect(shown.changes.length).toBeGreaterThan(100)
    expect(shown.changes.length + shown.changes_cut).toBe(4_000)
    expect((JSON.parse(await readFile(out.plan_file!, 'utf8')) as { changes: unknown[] }).changes).toHaveLength(4_000)
    expect(lines().some(line => line.startsWith(`The plan output lists the first ${shown.changes.length} of 4000 changes`))).toBe(true)
    expect(await summary()).not.toContain('Dry run')
  })

  it('the whole summary stays under 1 MiB: a section that would pass it is replaced by a line saying so', async () => {
    // A fresh module: the summary's byte count is per step (per process), and other tests here wrote some.
    vi.resetModules()
    const fresh = await import('../../src/report.js')
    // Each failure reason is cut to 4 KiB in its cell, so each section is a little over 4 KiB: 300 of them would pass 1 MB.
    for (let i = 0; i < 300; i++) await fresh.reportFailure(`${i}:${'x'.repeat(5_000)}`)
    const text = await summary()
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1_000_000)
    expect(text).toContain('is left out: it would pass GitHub')
    expect(text).toContain("The step's outputs and plan_file or results_file hold it all.")
    expect(text).toContain('0:xxx')
  })
})

describe('secrets', () => {
  it('the summary never holds a secret in use, raw or encoded', async () => {
    const secret = 'bolna-report-secret-9f3e'
    useSecrets(new Secrets([secret]))
    try {
      await reportFailure(`it said ${secret} and ${encodeURIComponent(`/${secret}`)} and ${Buffer.from(secret).toString('base64')}`)
      await reportExport(1, 1, `${secret}.yml`)
      const text = await summary()
      expect(text).toContain('***')
      for (const spelling of [secret, Buffer.from(secret).toString('base64')]) expect(text).not.toContain(spelling)
    } finally {
      useSecrets(new Secrets([]))
    }
  })
})

describe('annotateProblems: a bounded number of annotations, even for 100,000 problems', () => {
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
