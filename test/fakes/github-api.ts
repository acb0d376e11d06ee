// A fake of the three GitHub REST calls the PR comment uses, on loopback, and the environment of a run on a pull request.
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
  /** Who wrote it; the action's own comments are github-actions[bot]'s (GITHUB_TOKEN). */
  user?: string
}

export class FakeGitHubApi {
  comments: FakeComment[] = []
  requests: { method: string; path: string; authorization?: string }[] = []
  /** Answer writes with 403, as GitHub does when the job lacks pull-requests: write. */
  forbidWrites = false
  /** The token's user for GET /user; undefined answers 403, as GitHub does for GITHUB_TOKEN. */
  tokenUser: string | undefined = undefined
  /** Pull requests by commit, for GET /repos/{owner}/{repo}/commits/{sha}/pulls. */
  pullsByCommit = new Map<string, { number: number; merged_at: string | null; merge_commit_sha: string }[]>()
  private server?: Server
  private nextId = 1000

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

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = ''
    for await (const chunk of req) raw += chunk
    const url = new URL(req.url ?? '/', 'http://x')
    this.requests.push({ method: req.method ?? '', path: url.pathname, authorization: req.headers.authorization })
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    if (req.headers.authorization !== `token ${this.token}` && req.headers.authorization !== `Bearer ${this.token}`) {
      return send(401, { message: 'Bad credentials' })
    }
    const pulls = /^\/repos\/[^/]+\/[^/]+\/commits\/([^/]+)\/pulls$/.exec(url.pathname)
    if (pulls && req.method === 'GET') return send(200, this.pullsByCommit.get(pulls[1]!) ?? [])
    const list = /^\/repos\/[^/]+\/[^/]+\/issues\/(\d+)\/comments$/.exec(url.pathname)
    const one = /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/(\d+)$/.exec(url.pathname)
    if (url.pathname === '/user' && req.method === 'GET') {
      return this.tokenUser ? send(200, { login: this.tokenUser }) : send(403, { message: 'Resource not accessible by integration' })
    }
    if (list && req.method === 'GET') {
      return send(
        200,
        this.comments.filter(c => c.issue === Number(list[1])).map(c => ({ id: c.id, body: c.body, user: { login: c.user ?? 'github-actions[bot]' } }))
      )
    }
    if ((list && req.method === 'POST') || (one && req.method === 'PATCH')) {
      if (this.forbidWrites) return send(403, { message: 'Resource not accessible by integration' })
      const body = (JSON.parse(raw) as { body: string }).body
      if (list) {
        const comment = { id: this.nextId++, body, issue: Number(list[1]), user: this.tokenUser ?? 'github-actions[bot]' }
        this.comments.push(comment)
        return send(201, comment)
      }
      const comment = this.comments.find(c => c.id === Number(one![1]))
      if (!comment) return send(404, { message: 'Not Found' })
      comment.body = body
      return send(200, comment)
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
