import { describe, expect, it, vi } from 'vitest'
import { INPUT_DEFAULTS, InputError, readSettings, secretInputs } from '../../src/inputs.js'
import { actionYml } from '../helpers/run-action.js'

const reader = (inputs: Record<string, string>) => (name: string) => inputs[name] ?? ''
const single = { token: 'key-123', trunk_id: 'trunk-1', phone_number: '919876543210' }
const fail =
  (inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}) =>
  () =>
    readSettings(reader(inputs), env)

describe('readSettings', () => {
  it('turns single-mode inputs into typed settings with the defaults', () => {
    const settings = readSettings(reader({ ...single, name: 'Mumbai' }), {})
    expect(settings).toMatchObject({
      mode: 'single',
      desired: {
        trunks: [
          {
            trunk: { id: 'trunk-1', api: 'sip-trunks' },
            prune: false,
            numbers: [{ written: '919876543210', e164: '+919876543210', withPlus: false, name: 'Mumbai', e164CheckEnabled: false }]
          }
        ]
      },
      ifExists: 'skip',
      dryRun: false,
      timeoutMs: 30_000,
      maxRetries: 3,
      requestsPerMinute: 900
    })
    expect(settings.apiBaseUrl.href).toBe('https://api.bolna.ai/')
  })

  it('keeps the defaults equal to action.yml', async () => {
    const yml = await actionYml()
    for (const [name, value] of Object.entries(INPUT_DEFAULTS)) expect(yml.inputs[name]?.default, name).toBe(value)
    // …and every non-empty default of action.yml is known here (github_token's is an expression).
    for (const [name, spec] of Object.entries(yml.inputs)) {
      if (spec.default && name !== 'github_token') expect(INPUT_DEFAULTS[name], name).toBe(spec.default)
    }
  })

  it('falls back to BOLNA_API_KEY, and names both when neither is set', () => {
    expect(readSettings(reader({ ...single, token: '' }), { BOLNA_API_KEY: 'from-env' }).token).toBe('from-env')
    expect(fail({ ...single, token: '' })).toThrow(/"token" input .* BOLNA_API_KEY environment variable/)
  })

  it('accepts only YAML 1.2 booleans, naming the input', () => {
    expect(readSettings(reader({ ...single, dry_run: 'TRUE' }), {}).dryRun).toBe(true)
    expect(readSettings(reader({ ...single, dry_run: 'False' }), {}).dryRun).toBe(false)
    expect(fail({ ...single, dry_run: 'yes' })).toThrow('Input "dry_run" must be true or false')
    expect(fail({ ...single, e164_check_enabled: '1' })).toThrow('Input "e164_check_enabled" must be true or false')
  })

  it('requires https, allowing plain http only for loopback hosts', () => {
    for (const url of ['http://127.0.0.1:8080', 'http://localhost:1', 'http://[::1]:9', 'https://example.test/api']) {
      expect(() => readSettings(reader({ ...single, api_base_url: url }), {}), url).not.toThrow()
    }
    for (const url of ['http://api.bolna.ai', 'http://10.0.0.1', 'ftp://x', 'not a url', 'https://user:pw@x.test']) {
      expect(fail({ ...single, api_base_url: url }), url).toThrow(/Input "api_base_url"/)
    }
  })

  it('checks numbers, ranges and choices, naming the input and what is allowed', () => {
    expect(fail({ ...single, timeout_seconds: '0' })).toThrow('Input "timeout_seconds" must be a number from 1 to 600 (got "0")')
    expect(fail({ ...single, max_retries: '2.5' })).toThrow('Input "max_retries" must be a whole number from 0 to 10')
    expect(fail({ ...single, if_exists: 'replace' })).toThrow('Input "if_exists" must be one of: skip, fail')
    expect(fail({ ...single, phone_number: 'call me' })).toThrow(/Input "phone_number" may hold only digits/)
    expect(fail({ ...single, name: 'two\nlines' })).toThrow('Input "name" must be one line with no control characters')
    expect(fail({ ...single, trunk_id: '' })).toThrow('Input "trunk_id" is required')
  })

  it('one validation for both modes: a number must carry its country code, refused before any request', () => {
    for (const national of ['415-555-0123', '(415) 555-0123', '4155550100', '+999 1234567']) {
      expect(fail({ ...single, phone_number: national }), national).toThrow(
        /^Input "phone_number" is not a possible phone number with a country code .*international form/
      )
    }
    const settings = readSettings(reader({ ...single, phone_number: '+1 (415) 555-0199' }), {})
    expect(settings.mode === 'single' && settings.desired.trunks[0].numbers[0]).toMatchObject({ e164: '+14155550199', withPlus: true })
  })

  it('trunk_api picks the family; destination_key is for /trunk only', () => {
    const onTrunk = readSettings(reader({ ...single, trunk_api: 'trunk', destination_key: '4155550199' }), {})
    expect(onTrunk.mode === 'single' && onTrunk.desired.trunks[0]).toMatchObject({ trunk: { api: 'trunk' }, numbers: [{ destinationKey: '4155550199' }] })
    expect(fail({ ...single, trunk_api: 'trunks' })).toThrow('Input "trunk_api" must be one of: sip-trunks, trunk (got "trunks")')
    expect(fail({ ...single, destination_key: '4155550199' })).toThrow(
      /^Input "destination_key" applies only to trunks with api: trunk; Bolna's legacy \/sip-trunks API has no such field/
    )
    expect(fail({ ...single, trunk_api: 'trunk', destination_key: '415 555' })).toThrow(/^Input "destination_key" must be 1 to 64 characters with no spaces/)
    expect(fail({ token: 'k', numbers_file: 'n.yml', destination_key: '1' })).toThrow('Input "destination_key" must be empty when "numbers_file" is set')
  })

  it('checks E.164 locally when e164_check_enabled is true', () => {
    expect(fail({ ...single, e164_check_enabled: 'true' })).toThrow(/Input "phone_number" must start with "\+" when e164_check_enabled is true/)
    expect(readSettings(reader({ ...single, phone_number: '+919876543210', e164_check_enabled: 'true' }), {}).mode).toBe('single')
  })

  it('refuses a base URL whose path has "//", which would send the key to another host', () => {
    for (const url of ['https://api.bolna.ai//', 'http://localhost:8787//', 'https://api.bolna.ai//evil.example']) {
      expect(fail({ ...single, api_base_url: url }), url).toThrow('Input "api_base_url" must not have "//" in its path')
    }
    expect(fail({ ...single, api_base_url: 'https://user:hunter2@x.test' })).toThrow(/^((?!hunter2).)*$/)
  })

  it('refuses a token a header cannot carry, such as a key pasted with a zero-width space', () => {
    expect(fail({ ...single, token: 'abc123\u200b' })).toThrow(/^Input "token" must be the API key alone/)
    expect(fail({ ...single, token: 'abc 123' })).toThrow(/^Input "token" must be the API key alone/)
  })

  it('refuses ids with lone surrogates, which no URL can carry', () => {
    expect(fail({ ...single, trunk_id: 'ab\ud800' })).toThrow('Input "trunk_id" must be one line with no control characters')
  })

  it('checks the inputs of the other mode too', () => {
    expect(fail({ token: 'k', numbers_file: 'n.yml', if_exists: 'fial' })).toThrow('Input "if_exists" must be one of: skip, fail')
    expect(fail({ ...single, concurrency: 'many' })).toThrow('Input "concurrency" must be a whole number from 1 to 64')
  })

  it('refuses any other input that holds the key, without showing it', () => {
    const key = 'k-1234567890'
    for (const name of ['api_base_url', 'trunk_id', 'name']) {
      const inputs = { ...single, token: key, [name]: name === 'api_base_url' ? `https://x.test/${key}` : `x${key}` }
      expect(fail(inputs), name).toThrow(`Input "${name}" contains a secret (the Bolna API key or the GitHub token)`)
      expect(fail(inputs), name).not.toThrow(key)
    }
  })

  it('never echoes the token in an error', () => {
    expect(fail({ ...single, token: 'secret\nvalue' })).toThrow(/^Input "token" must be the API key alone/)
    try {
      readSettings(reader({ ...single, token: 'secret\nvalue' }), {})
    } catch (error) {
      expect(String(error)).not.toContain('secret')
    }
  })

  it('file mode: numbers_file excludes the single-number inputs', () => {
    const settings = readSettings(reader({ token: 'k', numbers_file: 'numbers.yml', prune: 'true' }), {})
    expect(settings).toMatchObject({ mode: 'file', numbersFile: 'numbers.yml', prune: true, maxDeletes: 10, concurrency: 4, prComment: true })
    expect(fail({ token: 'k', numbers_file: 'n.yml', trunk_id: 't' })).toThrow('Input "trunk_id" must be empty when "numbers_file" is set')
    expect(fail({ token: 'k', numbers_file: 'n.yml', concurrency: '0' })).toThrow('Input "concurrency" must be a whole number from 1 to 64')
  })

  it('export mode: trunk ids from a list; inputs that would do nothing are refused', () => {
    const settings = readSettings(reader({ token: 'k', export_file: 'out.yml', trunk_id: 'a, b\nc', trunk_api: 'trunk' }), {})
    expect(settings).toMatchObject({ mode: 'export', exportFile: 'out.yml', trunkIds: ['a', 'b', 'c'], trunkApi: 'trunk' })
    expect(readSettings(reader({ token: 'k', export_file: 'out.yml' }), {})).not.toHaveProperty('trunkIds')
    for (const [input, value] of [
      ['prune', 'true'],
      ['dry_run', 'true'],
      ['if_exists', 'fail'],
      ['set_agent_telephony', 'true']
    ]) {
      expect(fail({ token: 'k', export_file: 'out.yml', [input as string]: value as string }), input).toThrow(`Input "${input}" does nothing in export mode`)
    }
    expect(fail({ token: 'k', export_file: 'out.yml', numbers_file: 'n.yml' })).toThrow('Input "numbers_file" must be empty when "export_file" is set')
    expect(fail({ token: 'k', export_file: 'out.yml', trunk_id: 'a,..' })).toThrow('Input "trunk_id (item 2)" cannot be "." or ".."')
  })

  it("trunk_api: all is export mode's alone, for every trunk of both APIs", () => {
    expect(readSettings(reader({ token: 'k', export_file: 'out.yml', trunk_api: 'all' }), {})).toMatchObject({ mode: 'export', apis: ['sip-trunks', 'trunk'] })
    expect(readSettings(reader({ token: 'k', export_file: 'out.yml', trunk_api: 'trunk' }), {})).toMatchObject({ apis: ['trunk'] })
    expect(fail({ token: 'k', export_file: 'out.yml', trunk_api: 'all', trunk_id: 'a' })).toThrow('Input "trunk_id" must be empty with trunk_api: all')
    expect(fail({ token: 'k', numbers_file: 'n.yml', trunk_api: 'all' })).toThrow('Input "trunk_api" is "all", which only an export takes (export_file)')
    expect(fail({ token: 'k', trunk_id: 't', phone_number: '919876543210', trunk_api: 'all' })).toThrow('Input "trunk_api" is "all"')
    expect(fail({ token: 'k', export_file: 'out.yml', trunk_api: 'All' })).toThrow('Input "trunk_api" must be one of: sip-trunks, trunk')
  })

  it('numbers: digits with an optional fraction, within the bounds, whole where a count is meant', () => {
    const read = (inputs: Record<string, string>) => readSettings(reader({ ...single, ...inputs }), {})
    expect(read({ timeout_seconds: '1.25', settle_seconds: '0.5' })).toMatchObject({ timeoutMs: 1250, settleMs: 500 })
    expect(read({ timeout_seconds: '1', max_retries: '10', requests_per_minute: '0', max_deletes: '100000', concurrency: '64' })).toMatchObject({
      timeoutMs: 1000,
      maxRetries: 10,
      requestsPerMinute: 0,
      maxDeletes: 100_000,
      concurrency: 64
    })
    expect(fail({ ...single, max_retries: '11' })).toThrow('Input "max_retries" must be a whole number from 0 to 10 (got "11")')
    expect(fail({ ...single, timeout_seconds: '600.5' })).toThrow('Input "timeout_seconds" must be a number from 1 to 600 (got "600.5")')
    // Signs, exponents and a stray suffix are not digits.
    for (const value of ['+5', '5e2', '5abc', '-1', '.5', '5.']) {
      expect(fail({ ...single, timeout_seconds: value }), value).toThrow(`Input "timeout_seconds" must be a number from 1 to 600 (got "${value}")`)
    }
    for (const [input, max] of [
      ['requests_per_minute', '100000'],
      ['max_deletes', '100000'],
      ['concurrency', '64']
    ]) {
      expect(fail({ ...single, [input as string]: '1.5' }), input).toThrow(new RegExp(`^Input "${input}" must be a whole number from \\d+ to ${max} `))
    }
    expect(fail({ ...single, settle_seconds: '121' })).toThrow('Input "settle_seconds" must be a number from 0 to 120')
  })

  it('every YAML 1.2 spelling of true and false', () => {
    for (const [value, expected] of [
      ['true', true],
      ['True', true],
      ['TRUE', true],
      ['false', false],
      ['False', false],
      ['FALSE', false]
    ] as const) {
      expect(readSettings(reader({ ...single, dry_run: value }), {}).dryRun, value).toBe(expected)
    }
  })

  it('the base URL: loopback exactly, no credentials of either kind, and a clear reason for each refusal', () => {
    for (const url of ['http://127.0.0.10:1', 'http://127.255.255.255', 'http://localhost']) {
      expect(readSettings(reader({ ...single, api_base_url: url }), {}).apiBaseUrl.href, url).toBe(new URL(url).href)
    }
    for (const url of ['http://evillocalhost:1', 'http://localhost.evil.test', 'http://127.0.0.1.evil.test', 'ftp://localhost']) {
      expect(fail({ ...single, api_base_url: url }), url).toThrow(/^Input "api_base_url" must use https \(plain http is allowed only for loopback hosts/)
    }
    expect(fail({ ...single, api_base_url: 'not a url' })).toThrow(
      'Input "api_base_url" must be an absolute URL such as https://api.bolna.ai (got "not a url").'
    )
    for (const url of ['https://user@x.test', 'https://:pw@x.test', 'https://x.test/?q', 'https://x.test/#f']) {
      expect(fail({ ...single, api_base_url: url }), url).toThrow(/^Input "api_base_url" must not carry credentials, a query or a fragment/)
    }
  })

  it('echoes a bad value, cut after 60 characters, and a URL without what may be a secret', () => {
    expect(fail({ ...single, if_exists: 'x'.repeat(60) })).toThrow(`(got "${'x'.repeat(60)}").`)
    expect(fail({ ...single, if_exists: 'x'.repeat(61) })).toThrow(`(got "${'x'.repeat(60)}…").`)
    // Only the URL is read for secrets: another input is echoed as it is.
    expect(fail({ ...single, if_exists: 'user@host?x' })).toThrow('(got "user@host?x").')
    expect(fail({ ...single, api_base_url: 'https://user:pw@x.test/v1?key=1#f' })).toThrow('(got "https://***@x.test/v1?***#***").')
    expect(fail({ ...single, api_base_url: 'user:key@api.bolna.ai?x' })).toThrow('(got "***@api.bolna.ai?***").')
    expect(fail({ ...single, api_base_url: '@api.bolna.ai' })).toThrow('(got "***@api.bolna.ai").')
    expect(fail({ ...single, api_base_url: 'api.bolna.ai' })).toThrow('(got "api.bolna.ai").')
  })

  it('a bad input is an InputError', () => {
    expect(fail({ ...single, if_exists: 'never' })).toThrow(InputError)
    try {
      readSettings(reader({ ...single, if_exists: 'never' }), {})
    } catch (error) {
      expect((error as Error).name).toBe('InputError')
    }
  })

  it('the key from BOLNA_API_KEY is trimmed; a key of up to 4096 characters is accepted', () => {
    expect(readSettings(reader({ ...single, token: '' }), { BOLNA_API_KEY: ' from-env\n' }).token).toBe('from-env')
    expect(readSettings(reader({ ...single, token: 'k'.repeat(4096) }), {}).token).toHaveLength(4096)
    expect(fail({ ...single, token: 'k'.repeat(4097) })).toThrow(/^Input "token" must be the API key alone/)
  })

  it('masks both secrets, in every spelling, before reading anything else', () => {
    const printed: string[] = []
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(chunk => printed.push(String(chunk)) > 0)
    try {
      expect(fail({ ...single, token: 'bolna-key-for-mask', github_token: 'ghs_token_for_mask', if_exists: 'never' })).toThrow(/if_exists/)
    } finally {
      write.mockRestore()
    }
    const masked = printed.filter(line => line.startsWith('::add-mask::')).map(line => line.trim().slice('::add-mask::'.length))
    expect(masked).toEqual(expect.arrayContaining(['bolna-key-for-mask', 'ghs_token_for_mask', Buffer.from('bolna-key-for-mask').toString('base64')]))
  })

  it('secretInputs: the key (or BOLNA_API_KEY) and the GitHub token', () => {
    const secrets = secretInputs(reader({ token: 'bolna-key-123', github_token: 'ghs_abcdefgh' }), {})
    expect(secrets.redact('a bolna-key-123 b ghs_abcdefgh c')).toBe('a *** b *** c')
    expect(secretInputs(reader({}), { BOLNA_API_KEY: 'env-key-4567' }).redact('x env-key-4567')).toBe('x ***')
  })

  it('file mode keeps the GitHub token, which may hold itself', () => {
    const settings = readSettings(reader({ token: 'k', numbers_file: 'n.yml', github_token: 'ghs_abcdefgh12' }), {})
    expect(settings.mode === 'file' && settings.githubToken).toBe('ghs_abcdefgh12')
  })

  it('on_name_change: report or replace', () => {
    expect(readSettings(reader({ ...single, on_name_change: 'replace' }), {}).onNameChange).toBe('replace')
    expect(readSettings(reader(single), {}).onNameChange).toBe('report')
    expect(fail({ ...single, on_name_change: 'rename' })).toThrow('Input "on_name_change" must be one of: report, replace (got "rename")')
  })

  it('single mode: the agent, set_agent_telephony needing it, the input missing named, the name at most 255 characters', () => {
    const settings = readSettings(reader({ ...single, agent_id: 'agent-9', set_agent_telephony: 'true' }), {})
    expect(settings.mode === 'single' && settings.desired.trunks[0].numbers[0].agentId).toBe('agent-9')
    expect(settings.setAgentTelephony).toBe(true)
    expect(fail({ ...single, set_agent_telephony: 'true' })).toThrow(
      'Input "set_agent_telephony" needs "agent_id": it switches that agent to the trunk\'s telephony provider.'
    )
    expect(fail({ ...single, phone_number: '' })).toThrow('Input "phone_number" is required (or set "numbers_file" to manage a file of numbers).')
    expect(fail({ ...single, trunk_id: '', phone_number: '' })).toThrow('Input "trunk_id" is required')
    expect(fail({ ...single, agent_id: 'a/b' })).toThrow(/^Input "agent_id" holds "\/"/)
    expect(readSettings(reader({ ...single, name: 'n'.repeat(255) }), {}).mode).toBe('single')
    expect(fail({ ...single, name: 'n'.repeat(256) })).toThrow('Input "name" must be at most 255 characters')
  })

  it('says which mode an input does nothing in', () => {
    expect(fail({ ...single, prune: 'true' })).toThrow(
      'Input "prune" does nothing in single mode (no numbers_file); remove it, or leave it at its default "false".'
    )
    expect(fail({ token: 'k', numbers_file: 'n.yml', if_exists: 'fail' })).toThrow(
      'Input "if_exists" does nothing in file mode (numbers_file is set), where each number carries its own settings; remove it, or leave it at its default "skip".'
    )
    expect(fail({ token: 'k', export_file: 'out.yml', trunk_id: '..' })).toThrow('Input "trunk_id" cannot be "." or ".."')
  })

  it('refuses an input action.yml does not declare, suggesting the nearest name', () => {
    const refused = (name: string) => () => readSettings(reader(single), { [`INPUT_${name}`]: 'x' })
    for (const [given, near] of [
      ['DRY-RUN', 'dry_run'],
      ['DRYRUN', 'dry_run'],
      ['PRUN', 'prune'],
      ['TOKNE', 'token'],
      ['CONCURENCY', 'concurrency'],
      ['TRUNK_A', 'trunk_api'],
      // As near to trunk_id as to prune: the first declared wins.
      ['TRUNK', 'trunk_id'],
      ['REQUESTS_A_MINUTE', 'requests_per_minute'],
      ['MAXDELETE', 'max_deletes'],
      ['AGENTID', 'agent_id'],
      ['NUMBERS-FILES', 'numbers_file']
    ] as const) {
      expect(refused(given), given).toThrow(
        `Input "${given.toLowerCase()}" is not an input of this action; did you mean "${near}"? (see action.yml for the list).`
      )
    }
    for (const given of ['ZZZZZZZZ', 'DEBUG', 'X']) {
      expect(refused(given), given).toThrow(`Input "${given.toLowerCase()}" is not an input of this action (see action.yml for the list).`)
    }
    // Other variables, and every input action.yml declares, are fine.
    expect(() => readSettings(reader(single), { MY_INPUT_X: '1', INPUTS: '1' })).not.toThrow()
  })

  it('accepts every input action.yml declares, as the runner sets them', async () => {
    const yml = await actionYml()
    const env = Object.fromEntries(Object.keys(yml.inputs).map(name => [`INPUT_${name.toUpperCase()}`, '']))
    expect(Object.keys(env).length).toBeGreaterThan(25)
    expect(() => readSettings(reader(single), env)).not.toThrow()
  })
})

describe('a refused api_base_url is echoed without what could be a secret', () => {
  const refuse = (url: string) => {
    try {
      readSettings(name => ({ token: 'key-123', trunk_id: 't', phone_number: '919876543210', api_base_url: url })[name] ?? '', {})
    } catch (error) {
      expect(error).toBeInstanceOf(InputError)
      return (error as Error).message
    }
    throw new Error(`${url} was accepted`)
  }

  it('shows the scheme, host and path, with credentials, query and fragment as ***', () => {
    expect(refuse('https://user:hunter2@x.test/v1')).toBe(
      'Input "api_base_url" must not carry credentials, a query or a fragment (got "https://***@x.test/v1").'
    )
    expect(refuse('https://x.test/v1?api_key=hunter2#frag-hunter2')).toBe(
      'Input "api_base_url" must not carry credentials, a query or a fragment (got "https://x.test/v1?***#***").'
    )
    expect(refuse('http://hunter2@api.bolna.ai')).toBe(
      'Input "api_base_url" must use https (plain http is allowed only for loopback hosts: 127.0.0.0/8, localhost, ::1) (got "http://***@api.bolna.ai/").'
    )
    expect(refuse('user:hunter2@api.bolna.ai/v1?k=hunter2')).toMatch(/\(got "\*\*\*@api\.bolna\.ai\/v1\?\*\*\*"\)\.$/)
    expect(refuse('api.bolna.ai')).toMatch(/\(got "api\.bolna\.ai"\)\.$/)
    for (const url of ['https://a:hunter2@x.test', 'https://x.test/?hunter2', 'https://x.test/#hunter2', 'hunter2@x', 'ftp://u:hunter2@x.test']) {
      expect(refuse(url)).not.toContain('hunter2')
    }
  })
})
