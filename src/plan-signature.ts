import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto'
import * as z from 'zod/mini'
import { canonicalJson } from './plan-fingerprint.js'

/**
 * The machine-readable part of a plan comment: one hidden block, its first line, checked against
 * a schema. Nothing else of a comment is read: not its Markdown, not the position of a line.
 */
const BLOCK_START = '<!-- bolna-sip-trunk-number '
const BLOCK_END = ' -->'
export const COMMENT_KIND = 'bolna-sip-trunk-number/plan'

const count = z.int().check(z.nonnegative())
const metadataSchema = z.strictObject({
  kind: z.literal(COMMENT_KIND),
  version: z.literal(1),
  /** The numbers file, as GitHub names it: one comment per file. */
  file: z.string(),
  /** `planned`: a plan an apply may use; `blocked` (max_deletes) and `failed` are not. */
  status: z.enum(['planned', 'blocked', 'failed']),
  dry_run: z.boolean(),
  /** The pull request's head commit the plan was made for. */
  commit: z.string(),
  /** planFingerprint of the plan; null when there is none. */
  fingerprint: z.nullable(z.string().check(z.regex(/^[0-9a-f]{64}$/))),
  totals: z.nullable(
    z.strictObject({
      add: count,
      remove: count,
      duplicates: count,
      duplicateNumbers: count,
      replace: count,
      unchanged: count,
      differ: count,
      agentChanges: count,
      agentUnknown: count,
      leftAlone: count,
      pruneHeld: count
    })
  ),
  /** HMAC-SHA256, hex, of the comment with this field empty (see signature()). */
  signature: z.string()
})

export type CommentMetadata = z.infer<typeof metadataSchema>

/** The block as the action writes it: canonical JSON (no "--", so no "-->" in it), on one line. */
export function renderBlock(metadata: CommentMetadata): string {
  return `${BLOCK_START}${canonicalJson(metadata).replace(/--/g, '-\\u002d')}${BLOCK_END}`
}

/** A comment body: the block, then the Markdown. */
export function commentBody(metadata: CommentMetadata, markdown: string): string {
  return `${renderBlock(metadata)}\n${markdown}`
}

/** True for a body that starts as the action's plan comments do (whatever follows). */
export function looksLikePlanComment(body: string): boolean {
  return body.startsWith(BLOCK_START)
}

/** The body's block, when it starts with one that the schema accepts; undefined otherwise. */
export function readBlock(body: string): { metadata: CommentMetadata; markdown: string } | undefined {
  if (!looksLikePlanComment(body)) return undefined
  const end = body.indexOf('\n')
  const line = end < 0 ? body : body.slice(0, end)
  if (!line.endsWith(BLOCK_END)) return undefined
  let json: unknown
  try {
    json = JSON.parse(line.slice(BLOCK_START.length, -BLOCK_END.length))
  } catch {
    return undefined
  }
  const parsed = metadataSchema.safeParse(json)
  return parsed.success ? { metadata: parsed.data, markdown: end < 0 ? '' : body.slice(end + 1) } : undefined
}

/** Where a comment is: what its signature binds besides its body. */
export interface CommentPlace {
  repository: string
  pullRequest: number
  /** The login that wrote the comment. */
  author: string
}

const KEY_LABEL = 'bolna-sip-trunk-number reviewed-plan comment signing key v1'

/**
 * The signing key: HKDF-SHA256 of the workflow's secret (the Bolna API key) with a fixed label.
 * The secret itself is never a key, and appears nowhere; the key is derived, never shown.
 */
export function signingKey(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'bolna-sip-trunk-number', KEY_LABEL, 32))
}

/**
 * The signature of a comment: HMAC-SHA256 over the whole body (with the signature field empty),
 * the repository, the pull request, the head commit (in the block) and the comment's author.
 */
function signature(key: Buffer, metadata: CommentMetadata, markdown: string, place: CommentPlace): string {
  const unsigned = commentBody({ ...metadata, signature: '' }, markdown)
  const message = canonicalJson({ body: unsigned, repository: place.repository, pull_request: place.pullRequest, author: place.author })
  return createHmac('sha256', key).update(message).digest('hex')
}

/** The comment body, signed for the place it is written to. */
export function signedBody(key: Buffer, metadata: Omit<CommentMetadata, 'signature'>, markdown: string, place: CommentPlace): string {
  const unsigned = { ...metadata, signature: '' }
  return commentBody({ ...unsigned, signature: signature(key, unsigned, markdown, place) }, markdown)
}

/**
 * The comment's metadata when the body is exactly as the action signed it for this place: the
 * block in its canonical form and the signature right. Any edit by anyone voids it.
 */
export function verifiedBlock(key: Buffer, body: string, place: CommentPlace): CommentMetadata | undefined {
  const read = readBlock(body)
  if (!read) return undefined
  const { metadata, markdown } = read
  if (commentBody(metadata, markdown) !== body) return undefined
  const expected = Buffer.from(signature(key, metadata, markdown, place), 'hex')
  const given = Buffer.from(metadata.signature, 'hex')
  return given.length === expected.length && timingSafeEqual(given, expected) ? metadata : undefined
}
