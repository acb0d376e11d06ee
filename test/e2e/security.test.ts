import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BolnaEmulator } from '../emulator/bolna-emulator.ts'
import { FakeGitHubApi, pullRequestEnv } from '../fakes/github-api.ts'
import { annotations, runAction } from '../helpers/run-action.ts'

const KEY = 'sec-key-7e3d0c55'
const GH_TOKEN = 'ghs_security_gh_token_41'
let emulator: BolnaEmulator

beforeEach(async () => {
  emulator = new BolnaEmulator({ apiKey: KEY, trunks: ['trunk-1'], agents: ['agent-1'] })
  await emulator.start()
})
afterEach(() => emulator.stop())

const debug = { ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' }
const single = () => ({ token: KEY, api_base_url: emulator.url, trunk_id: 'trunk-1', phone_number: '919876543210', timeout_seconds: '5', max_retries: '1' })

describe('the token stays secret', () => {
  it('in no log, output, summary, annotation or PR comment, with step debug on, through successes and failures', async () => {
    const github = new FakeGitHubApi(GH_TOKEN)
    const env = await pullRequestEnv(await github.start(), { number: 3 }, 'acme/n', debug)
    try {
      emulator.injectFault({ kind: 'status', status: 500, body: `{"message":"echoing your key: ${KEY}"}` })
      emulator.injectFault({ kind: 'stored-then-reset', method: 'POST' })
      const runs = [
        await runAction({ inputs: { ...single(), agent_id: 'agent-1', set_agent_telephony: 'true' }, env }),
        await runAction({ inputs: { ...single(), agent_id: 'agent-unknown' }, env }),
        await runAction({ inputs: { ...single(), token: '', if_exists: 'fail' }, env: { ...env, BOLNA_API_KEY: KEY } }),
        await runAction({ inputs: { ...single(), trunk_id: `x${KEY}x` }, env }),
        await runAction({ inputs: { ...single(), api_base_url: `http://example.test/${KEY}` }, env }),
        await runAction({
          inputs: { token: KEY, api_base_url: emulator.url, numbers_file: 'n.yml' },
          env,
          files: { 'n.yml': `# key: ${KEY}\nversion: 1\ntrunks:\n  - trunk_id: trunk-1\n    numbers: []\n` }
        }),
        await runAction({
          inputs: { token: KEY, api_base_url: emulator.url, numbers_file: 'n.yml', dry_run: 'true', github_token: GH_TOKEN },
          env,
          files: { 'n.yml': 'version: 1\ntrunks:\n  - trunk_id: trunk-1\n    numbers:\n      - phone_number: "918888888888"\n' }
        })
      ]
      expect(runs.map(r => r.code)).toEqual([0, 1, 1, 1, 1, 1, 0])
      expect(annotations(runs[5]!).join('\n')).toContain('the numbers file contains the Bolna API key: remove it from the repository and rotate the key')
      expect(runs[0]!.stdout).toMatch(/::debug::/)
      for (const run of runs) {
        expect(run.everything).not.toContain(KEY)
        expect(run.everything).not.toContain(GH_TOKEN)
      }
      expect(github.comments).toHaveLength(1)
      expect(github.comments[0]!.body).not.toContain(KEY)
      // The GitHub token goes only to GitHub (the run without github_token uses the runner's default).
      expect(new Set(github.requests.map(r => r.authorization))).toEqual(new Set([`token ${GH_TOKEN}`, 'token ghs_fake_default_github_token']))
    } finally {
      await github.stop()
    }
  })
})

describe('the github_token is masked', () => {
  it('before anything is logged', async () => {
    const run = await runAction({ inputs: { ...single(), github_token: GH_TOKEN } })
    expect(run.code).toBe(0)
    const lines = run.stdout.split('\n')
    expect(lines).toContain(`::add-mask::${GH_TOKEN}`)
    expect(lines.indexOf(`::add-mask::${GH_TOKEN}`)).toBeLessThan(lines.findIndex(line => !line.startsWith('::add-mask::')))
  })
})

describe('requests go where they should, and only there', () => {
  it('a redirect never reaches another origin with the token', async () => {
    // The other origin is another port on loopback (127.0.0.2 is not routed on macOS by default):
    // redirects are never followed, so it must see no request at all, with the key or without.
    const seen: (string | undefined)[] = []
    const elsewhere = createServer((req, res) => {
      seen.push(req.headers.authorization)
      res.end('[]')
    })
    await new Promise<void>(resolve => elsewhere.listen(0, '127.0.0.1', resolve))
    try {
      const location = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/sip-trunks/trunks/trunk-1/numbers`
      expect(new URL(location).origin).not.toBe(new URL(emulator.url).origin)
      for (const status of [301, 302, 307, 308]) emulator.injectFault({ kind: 'redirect', location, status })
      for (let i = 0; i < 4; i++) {
        const run = await runAction({ inputs: single() })
        expect(run.code).toBe(1)
        expect(annotations(run).join('\n')).toMatch(/answered a redirect \(30[1278]\)/)
      }
      expect(seen).toEqual([])
      expect(emulator.records('trunk-1')).toHaveLength(0)
    } finally {
      elsewhere.close()
    }
  })

  it('trunk ids cannot leave their path segment', async () => {
    // Ids with a path character, a percent sign or whitespace are refused before any request.
    for (const id of ['../../admin', 'a/b?x=1#f', '%2e%2e', '.%2E', 'trunk 1;rm', 'ünï/cödé']) {
      emulator.clearLog()
      const run = await runAction({ inputs: { ...single(), trunk_id: id } })
      expect(run.code, id).toBe(1)
      expect(annotations(run).join('\n'), id).toContain('Input "trunk_id" holds')
      expect(emulator.requests, id).toEqual([])
    }
    // Others are sent, encoded as one path segment.
    const ids = ['ünï:cödé', '...', 'trunk;1=2&x']
    for (const id of ids) emulator.addTrunk(id)
    for (const [i, id] of ids.entries()) {
      emulator.clearLog()
      const run = await runAction({ inputs: { ...single(), trunk_id: id, phone_number: `91987654321${i}` } })
      expect(run.code, id).toBe(0)
      expect(emulator.records(id), id).toHaveLength(1)
      for (const r of emulator.requests) expect(r.path).toMatch(/^\/sip-trunks\/trunks\/[^/?#]+(\/numbers)?$/)
    }
    expect(emulator.records('trunk-1')).toHaveLength(0)
    // URLs resolve "." and ".." however encoded, so those ids are refused before any request.
    emulator.clearLog()
    for (const id of ['.', '..']) {
      const run = await runAction({ inputs: { ...single(), trunk_id: id } })
      expect(annotations(run).join('\n')).toContain('Input "trunk_id" cannot be "." or ".."')
    }
    expect(emulator.requests).toHaveLength(0)
  })

  it('values from the API cannot start a workflow command', async () => {
    emulator.seed('trunk-1', { phone_number: '919876543210', name: 'x\n::error::pwned\n::set-output name=status::hacked' })
    const run = await runAction({ inputs: { ...single(), name: 'Desk' } })
    expect(run.code).toBe(0)
    const commands = run.stdout.split('\n').filter(line => line.startsWith('::'))
    expect(commands.every(line => /^::(add-mask|warning|notice|debug)/.test(line))).toBe(true)
    expect(run.outputs.status).toBe('exists')
  })

  it('record ids of "." or ".." from the API are refused, not sent', async () => {
    emulator.seed('trunk-1', { phone_number: '911111111111', id: '..' })
    const run = await runAction({
      inputs: { token: KEY, api_base_url: emulator.url, numbers_file: 'n.yml', prune: 'true' },
      files: { 'n.yml': 'version: 1\ntrunks:\n  - trunk_id: trunk-1\n    prune: true\n    numbers: []\n' }
    })
    expect(run.code).toBe(1)
    expect(emulator.requests.filter(r => r.method === 'DELETE')).toHaveLength(0)
    expect(JSON.parse(run.outputs.results!)[0]).toMatchObject({
      status: 'failed',
      error: 'the id ".." cannot be "." or ".." (a URL path would resolve it); it was not sent'
    })
    expect(run.stdout + run.stderr).not.toMatch(/\n\s+at /)
  })

  it('record ids from the API cannot leave theirs either (DELETE on prune): the record is reported, not sent', async () => {
    emulator.seed('trunk-1', { phone_number: '911111111111', id: '../../../sip-trunks/trunks/other' })
    const run = await runAction({
      inputs: { token: KEY, api_base_url: emulator.url, numbers_file: 'n.yml', prune: 'true' },
      files: { 'n.yml': 'version: 1\ntrunks:\n  - trunk_id: trunk-1\n    prune: true\n    numbers: []\n' }
    })
    expect(run.code).toBe(1)
    expect(emulator.requests.filter(r => r.method === 'DELETE')).toEqual([])
    expect(JSON.parse(run.outputs.results!)[0]).toMatchObject({ status: 'failed', error: expect.stringContaining('holds "/"') })
    expect(emulator.records('trunk-1')).toHaveLength(1)
  })

  it('plain http to a non-loopback host is refused before any request', async () => {
    for (const url of ['http://api.bolna.ai', 'http://10.1.2.3:8080', 'http://127.0.0.1.example.test']) {
      const run = await runAction({ inputs: { ...single(), api_base_url: url } })
      expect(run.code).toBe(1)
      expect(annotations(run)).toEqual([expect.stringMatching(/^::error::Input "api_base_url" must use https/)])
    }
  })

  it('an answer of many MB is cut off, fast, without holding it', async () => {
    emulator.injectFault({ kind: 'huge', sizeBytes: 200 * 1024 * 1024 })
    const started = Date.now()
    const run = await runAction({ inputs: single(), env: { NODE_OPTIONS: '--max-old-space-size=128' } })
    expect(run.code).toBe(1)
    // The limit is what a trunk of 100,000 numbers holds (64,000,000 bytes).
    expect(annotations(run).join('\n')).toContain(
      'GET /sip-trunks/trunks/trunk-1 answered more than 64000000 bytes, more than this action reads; it stopped reading'
    )
    expect(Date.now() - started).toBeLessThan(10_000)
  })
})
