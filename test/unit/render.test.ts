import { describe, expect, it } from 'vitest'
import { planChanges } from '../../src/plan.js'
import { numberJson, planJson, planMarkdown } from '../../src/render.js'
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
