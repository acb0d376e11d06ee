// A fake of the GitHub REST calls the PR comment and the reviewed plan use, on loopback, and the
// environment of a run on a pull request. It models what an attack on the reviewed plan needs:
// who wrote each comment (the token's account, or anyone else's), edits by others, GitHub's
// 65,536-character limit on a comment's body (422), `GET /user` answering 200, 403 or 500, and an
// API that never answers.
import { mkdtemp, writeFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface FakeComment {
  id: number
  body: string
  issue: number
  /** Who wrote it; the token's own comments are `login`'s. */
  user?: string
  created_at?: string
  updated_at?: string
}

export interface FakePull {
  number: number
  merged_at: string | null
  merge_commit_sha: string
  /** The pull request's final head commit. */
  head?: { sha: string }
}

/** How GitHub counts a comment's 65,536 characters: Unicode characters (the default), UTF-16 code units, or UTF-8 bytes. */
export type LengthUnit = 'characters' | 'utf16' | 'bytes'

export const COMMENT_LIMIT = 65_536

export function lengthIn(unit: LengthUnit, text: string): number {
  if (unit === 'bytes') return Buffer.byteLength(text, 'utf8')
  if (unit === 'utf16') return text.length
  return [...text].length
}

export class FakeGitHubApi {
  comments: FakeComment[] = []
  requests: { method: string; path: string; authorization?: string }[] = []
  /** Answer writes with 403, as GitHub does when the job lacks pull-requests: write. */
  forbidWrites = false
  /**
   * The account the token writes as. GITHUB_TOKEN writes as github-actions[bot]; a GitHub App's
   * token as `<app-slug>[bot]`; a personal token as its user.
   */
  login = 'github-actions[bot]'
  /**
   * How `GET /user` answers: `forbidden` (403, as for GITHUB_TOKEN and every GitHub App token),
   * `ok` (200 with `login`, a personal token), or `error` (500, an outage).
   */
  userEndpoint: 'ok' | 'forbidden' | 'error' = 'forbidden'
  /** Pull requests by commit, for GET /repos/{owner}/{repo}/commits/{sha}/pulls. */
  pullsByCommit = new Map<string, FakePull[]>()
  /** How a body's length is counted against the 65,536 limit. */
  lengthUnit: LengthUnit = 'characters'
  /** Requests whose `METHOD /path` matches are never answered (the connection stays open). */
  hang: RegExp | undefined = undefined
  /** Answer 500 to this many requests matching `failPattern`, then answer normally. */
  failures = 0
  failPattern: RegExp = /./
  private server?: Server
  private nextId = 1000
  private clock = Date.parse('2026-11-20T00:00:00Z')

  private readonly token: string

  constructor(token: string) {
    this.token = token
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res))
    await new Promise<void>(resolve => this.server!.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections()
    await new Promise(resolve => this.server?.close(resolve))
  }

  /** A comment written by someone else (not through the token), placed last unless `first`. */
  addComment(comment: { issue: number; user: string; body: string }, first = false): FakeComment {
    // Placed first: written before every other comment.
    const stamp = first ? '2026-01-01T00:00:00.000Z' : this.tick()
    const added = { id: first ? this.nextId - 900 : this.nextId++, ...comment, created_at: stamp, updated_at: stamp }
    if (first) this.comments.unshift(added)
    else this.comments.push(added)
    return added
  }

  /** Someone with write access edits a comment: the body changes, the author stays. */
  edit(id: number, body: (old: string) => string): void {
    const comment = this.comments.find(c => c.id === id)
    if (!comment) throw new Error(`no comment ${id}`)
    comment.body = body(comment.body)
    comment.updated_at = this.tick()
  }

  private tick(): string {
    this.clock += 1000
    return new Date(this.clock).toISOString()
  }

  private json(comment: FakeComment): object {
    return {
      id: comment.id,
      body: comment.body,
      user: { login: comment.user ?? 'github-actions[bot]' },
      created_at: comment.created_at,
      updated_at: comment.updated_at
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Decoded once, whole: a character split across two chunks must not become two U+FFFD.
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const raw = Buffer.concat(chunks).toString('utf8')
    const url = new URL(req.url ?? '/', 'http://x')
    this.requests.push({ method: req.method ?? '', path: url.pathname, authorization: req.headers.authorization })
    if (this.hang?.test(`${req.method} ${url.pathname}`)) return
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    if (this.failures > 0 && this.failPattern.test(`${req.method} ${url.pathname}`)) {
      this.failures--
      return send(500, { message: 'Server Error' })
    }
    if (req.headers.authorization !== `token ${this.token}` && req.headers.authorization !== `Bearer ${this.token}`) {
      return send(401, { message: 'Bad credentials' })
    }
    const pulls = /^\/repos\/[^/]+\/[^/]+\/commits\/([^/]+)\/pulls$/.exec(url.pathname)
    if (pulls && req.method === 'GET') return send(200, this.pullsByCommit.get(pulls[1]!) ?? [])
    const list = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(url.pathname)
    const one = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(url.pathname)
    if (url.pathname === '/user' && req.method === 'GET') {
      if (this.userEndpoint === 'ok') return send(200, { login: this.login })
      if (this.userEndpoint === 'error') return send(500, { message: 'Server Error' })
      return send(403, { message: 'Resource not accessible by integration' })
    }
    if (list && req.method === 'GET') {
      // Oldest first, as GitHub lists them, a page at a time.
      const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), 100)
      const page = Number(url.searchParams.get('page') ?? 1)
      const all = this.comments.filter(c => c.issue === Number(list[1]))
      return send(
        200,
        all.slice((page - 1) * perPage, page * perPage).map(c => this.json(c))
      )
    }
    if ((list && req.method === 'POST') || (one && req.method === 'PATCH')) {
      if (this.forbidWrites) return send(403, { message: 'Resource not accessible by integration' })
      const body = (JSON.parse(raw) as { body: string }).body
      if (lengthIn(this.lengthUnit, body) > COMMENT_LIMIT) {
        return send(422, {
          message: 'Validation Failed',
          errors: [{ resource: 'IssueComment', code: 'unprocessable', field: 'data', message: 'Body is too long (maximum is 65536 characters)' }]
        })
      }
      if (list) {
        const stamp = this.tick()
        const comment = { id: this.nextId++, body, issue: Number(list[1]), user: this.login, created_at: stamp, updated_at: stamp }
        this.comments.push(comment)
        return send(201, this.json(comment))
      }
      const comment = this.comments.find(c => c.id === Number(one![1]))
      if (!comment) return send(404, { message: 'Not Found' })
      // Only its author, or someone with write access, may edit a comment; the token is the author here.
      if ((comment.user ?? 'github-actions[bot]') !== this.login) return send(403, { message: 'Resource not accessible by integration' })
      comment.body = body
      comment.updated_at = this.tick()
      return send(200, this.json(comment))
    }
    send(404, { message: 'Not Found' })
  }
}

/**
 * The environment of a run on a `pull_request` event, as the runner sets it: the event (with
 * `pull_request`) written to a JSON file of its own in the OS's temp folder, and the GitHub API at
 * `apiUrl` (a started FakeGitHubApi's). `extra` is added to, or overrides, the variables.
 */
export async function pullRequestEnv(
  apiUrl: string,
  pullRequest: { number: number; head?: { sha: string } },
  repository = 'acme/numbers',
  extra: Record<string, string> = {}
): Promise<Record<string, string>> {
  const eventPath = join(await mkdtemp(join(tmpdir(), 'event-')), 'event.json')
  await writeFile(eventPath, JSON.stringify({ pull_request: pullRequest }))
  return { GITHUB_API_URL: apiUrl, GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: eventPath, GITHUB_REPOSITORY: repository, ...extra }
}

/**
 * The environment of the push that merged a pull request: the same repository and API as `pr`,
 * GITHUB_SHA the merge commit, and `github` told that the commit is pull request `number`'s merge
 * of head `head`.
 */
export async function pushEnv(
  github: FakeGitHubApi,
  pr: Record<string, string>,
  merge: { sha: string; number: number; head: string }
): Promise<Record<string, string>> {
  const eventPath = join(await mkdtemp(join(tmpdir(), 'event-')), 'push.json')
  await writeFile(eventPath, JSON.stringify({ after: merge.sha }))
  github.pullsByCommit.set(merge.sha, [{ number: merge.number, merged_at: '2026-11-27T00:00:00Z', merge_commit_sha: merge.sha, head: { sha: merge.head } }])
  return { ...pr, GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: eventPath, GITHUB_SHA: merge.sha }
}
