import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { readBlock, renderBlock, signedBody, signingKey, verifiedBlock } from '../../src/plan-signature.js'
import type { CommentMetadata } from '../../src/plan-signature.js'

const SECRET = 'bolna-key-for-signing-3f9a'
const key = signingKey(SECRET)
const place = { repository: 'acme/numbers', pullRequest: 7, author: 'github-actions[bot]' }
const metadata: Omit<CommentMetadata, 'signature'> = {
  kind: 'bolna-sip-trunk-number/plan',
  version: 1,
  file: 'numbers--a.yml',
  status: 'planned',
  dry_run: true,
  commit: 'abcdef1234567890abcdef1234567890abcdef12',
  fingerprint: 'a'.repeat(64),
  totals: {
    add: 1,
    remove: 0,
    duplicates: 0,
    duplicateNumbers: 0,
    replace: 0,
    unchanged: 2,
    differ: 0,
    agentChanges: 0,
    agentUnknown: 0,
    leftAlone: 0,
    pruneHeld: 0
  }
}
const markdown = '### Bolna numbers plan\n\n**Plan: 1 to add, 0 to remove, 2 unchanged.**\n'

describe('the signed comment', () => {
  const body = signedBody(key, metadata, markdown, place)

  it('is the hidden block, then the Markdown; the block reads back whole, and no "--" can end the HTML comment early', () => {
    expect(body.startsWith('<!-- bolna-sip-trunk-number {')).toBe(true)
    const line = body.split('\n')[0]!
    expect(line.slice(4, -4)).not.toContain('--')
    expect(readBlock(body)).toMatchObject({ metadata: { ...metadata, signature: expect.stringMatching(/^[0-9a-f]{64}$/) }, markdown })
    expect(verifiedBlock(key, body, place)).toMatchObject(metadata)
  })

  it('any edit of the body, the block or its spelling voids it', () => {
    expect(verifiedBlock(key, body.replace('1 to add', '0 to add'), place)).toBeUndefined()
    expect(verifiedBlock(key, `${body} `, place)).toBeUndefined()
    const read = readBlock(body)!
    const swapped = renderBlock({ ...read.metadata, fingerprint: 'b'.repeat(64) })
    expect(verifiedBlock(key, `${swapped}\n${markdown}`, place)).toBeUndefined()
    // The same values, spelled otherwise (keys in another order): not as the action wrote it.
    const json = JSON.stringify({ ...read.metadata }).replace(/--/g, '-\\u002d')
    const respelled = `<!-- bolna-sip-trunk-number ${json} -->\n${markdown}`
    expect(readBlock(respelled)?.metadata).toEqual(read.metadata)
    expect(verifiedBlock(key, respelled, place)).toBeUndefined()
  })

  it('is bound to the repository, the pull request and the author', () => {
    expect(verifiedBlock(key, body, { ...place, repository: 'acme/other' })).toBeUndefined()
    expect(verifiedBlock(key, body, { ...place, pullRequest: 8 })).toBeUndefined()
    expect(verifiedBlock(key, body, { ...place, author: 'mallory' })).toBeUndefined()
  })

  it('needs the key derived from the workflow secret: not the secret itself, nor another secret', () => {
    expect(verifiedBlock(signingKey('another-key'), body, place)).toBeUndefined()
    expect(key.toString('hex')).not.toContain(Buffer.from(SECRET).toString('hex'))
    expect(body).not.toContain(SECRET)
    // An HMAC keyed with the secret itself does not verify.
    const unsigned = readBlock(body)!.metadata
    const direct = createHmac('sha256', SECRET).update(body).digest('hex')
    expect(verifiedBlock(key, signedBody(Buffer.from(SECRET), metadata, markdown, place), place)).toBeUndefined()
    expect(unsigned.signature).not.toBe(direct)
  })
})

describe('the block is checked against its schema', () => {
  const line = (value: unknown) => `<!-- bolna-sip-trunk-number ${JSON.stringify(value)} -->\n`
  const valid = { ...metadata, signature: '' }

  it.each([
    ['another kind', { ...valid, kind: 'other/plan' }],
    ['another version', { ...valid, version: 2 }],
    ['an unknown field', { ...valid, extra: 1 }],
    ['a short fingerprint', { ...valid, fingerprint: 'abc' }],
    ['a negative total', { ...valid, totals: { ...valid.totals, add: -1 } }],
    ['no commit', { ...valid, commit: undefined }]
  ])('refuses %s', (_, value) => {
    expect(readBlock(line(value))).toBeUndefined()
  })

  it('reads only a block at the start: nothing from the Markdown, nothing from another line', () => {
    expect(readBlock(line(valid))?.metadata).toEqual(valid)
    expect(readBlock(`text\n${line(valid)}`)).toBeUndefined()
    expect(readBlock('<!-- bolna-sip-trunk-number plan: "a.yml" -->\n<!-- bolna-sip-trunk-number fingerprint: 0123456789abcdef -->\n')).toBeUndefined()
  })
})
