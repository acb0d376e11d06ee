import { describe, expect, it } from 'vitest'
import { planChanges } from '../../src/plan.js'
import { cell, html, numberJson, planJson, planMarkdown } from '../../src/render.js'
import { stored, trunk, wanted } from '../helpers/model.ts'

const plan = (numbers: string[], actualNames: Record<string, string> = {}) =>
  planChanges(
    { trunks: [{ trunk: trunk('t1'), prune: false, numbers: numbers.map(n => wanted(n, { name: 'Desk' })) }] },
    new Map([['t1', Object.entries(actualNames).map(([n, name], i) => stored(`r${i}`, n, { name }))]]),
    false
  )

describe('planMarkdown (render.ts, pure)', () => {
  it('shows every change in the summary, and caps a PR comment with a pointer to the rest', () => {
    const many = plan(Array.from({ length: 30 }, (_, i) => `9198765${43000 + i}`))
    expect(planMarkdown(many, 'n.yml').match(/^\| t1 \|/gm)).toHaveLength(30)
    const capped = planMarkdown(many, 'n.yml', 10)
    expect(capped.match(/^\| t1 \|/gm)).toHaveLength(10)
    expect(capped).toContain('…and 20 more: see the job summary or the `plan_file` output')
    expect(capped).toContain('<details><summary>')
  })

  it('lets no value from Bolna or the file mention, link or format anything', () => {
    const markdown = planMarkdown(plan(['919876543210'], { '919876543210': '@everyone [x](https://evil.test) **<b>|' }), 'n.yml')
    const row = markdown.split('\n').find(line => line.startsWith('| t1'))!
    expect(row).not.toMatch(/@everyone|\]\(|<b>|\*\*/)
    expect(row).toContain('&#64;&#8203;everyone')
    expect(row).toContain('&lt;b&gt;')
    expect(row.split(/(?<!\\)\|/)).toHaveLength(5)
  })
})

describe('planJson and numberJson (render.ts, pure)', () => {
  it('carry an agent as its id, null for none, and "unknown" only where Bolna does not show it', () => {
    const actual = new Map([
      ['t1', [stored('a', '919876543210', { agent: null }), stored('b', '918888888888', { agent: 'unknown' }), stored('c', '917777777777', { agent: 'ag1' })]]
    ])
    const file = {
      trunks: [
        { trunk: trunk('t1'), prune: false, numbers: ['919876543210', '918888888888', '917777777777', '916666666666'].map(n => wanted(n, { agentId: 'ag2' })) }
      ]
    }
    const json = planJson(planChanges(file, actual, false)) as { changes: Record<string, unknown>[] }
    expect(json.changes.map(c => [c.agent_in_bolna, c.agent_change])).toEqual([
      [null, { from: null, to: 'ag2' }],
      ['unknown', { from: 'unknown', to: 'ag2' }],
      ['ag1', { from: 'ag1', to: 'ag2' }],
      [undefined, { from: null, to: 'ag2' }]
    ])
    expect(numberJson(actual.get('t1')![0]!, trunk('t1'))).toMatchObject({ agent_id: null, trunk_api: 'sip-trunks', e164: '+919876543210' })
    expect(numberJson(actual.get('t1')![1]!, trunk('t1'))).toMatchObject({ agent_id: 'unknown' })
  })
})

describe('values cannot link in the summary or the PR comment', () => {
  const hostile = [
    'https://evil.test/login',
    'HTTP://EVIL.TEST',
    'ftp://evil.test',
    'www.evil.test',
    'WWW.Evil.Test',
    'mail admin@evil.test',
    '@everyone @acme/ops',
    'see #12 and acme/repo#3',
    'GH-45'
  ]
  /** What GitHub would link in rendered text: a bare URL, www., a mention or e-mail address, an issue reference. */
  const LINKABLE = /[a-z]:\/\/|www\.|@\w|#\d|GH-\d/i
  /** The text a reader sees: entities decoded, Markdown escapes undone. */
  const rendered = (text: string) =>
    text
      .replace(/\\(.)/g, '$1')
      .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&')

  it('breaks every bare URL, www., mention, e-mail address and issue reference with a zero-width space', () => {
    for (const value of hostile) {
      for (const escaper of [html, cell]) {
        const out = escaper(value)
        expect(rendered(out), `${escaper.name}(${value})`).not.toMatch(LINKABLE)
        expect(rendered(out).replaceAll('\u200b', ''), `${escaper.name}(${value})`).toBe(value)
      }
    }
    expect(html('https://evil.test')).toBe('https:&#8203;//evil.test')
    expect(html('www.evil.test')).toBe('www&#8203;.evil.test')
    expect(cell('a@evil.test #1')).toBe('a&#64;&#8203;evil.test #&#8203;1')
  })

  it('in the plan table, for names from the file and from Bolna alike', () => {
    const plan = planChanges(
      { trunks: [{ trunk: trunk('https://evil.test'), prune: false, numbers: hostile.map((name, i) => wanted(`9198765432${10 + i}`, { name })) }] },
      new Map([['https://evil.test', []]]),
      false
    )
    const markdown = planMarkdown(plan, 'n.yml')
    const rows = markdown.split('\n').filter(line => line.startsWith('| https'))
    expect(rows).toHaveLength(hostile.length)
    for (const [i, row] of rows.entries()) {
      expect(rendered(row)).not.toMatch(LINKABLE)
      expect(rendered(row).replaceAll('\u200b', '')).toContain(hostile[i])
    }
  })
})
