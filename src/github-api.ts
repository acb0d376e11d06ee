import { realClock } from './clock.js'
import { backoffMs } from './bolna/http.js'

/** The GitHub REST calls of the PR comment and the reviewed plan, each bounded as the Bolna calls are. */
export interface GitHubSettings {
  token: string
  /** Each attempt of a call ends after this long. */
  timeoutMs: number
  /** Attempts after the first, for no answer, 429 and 5xx. */
  maxRetries: number
  /** Injectable so tests do not wait. */
  sleep?: (ms: number) => Promise<void>
}

export interface IssueComment {
  id: number
  body: string
  /** Who wrote it (GitHub's word: only that account, or someone with write access, can edit it). */
  login: string
  createdAt: string
}

export interface MergedPull {
  number: number
  mergeCommit: string
  /** The pull request's final head commit. */
  head: string
}

/** A GitHub call that failed: its status, or none when no answer came within the bounds. */
export class GitHubCallError extends Error {
  override readonly name = 'GitHubCallError'
  constructor(
    message: string,
    readonly status: number | undefined
  ) {
    super(message)
  }
}

type Octokit = ReturnType<typeof import('@actions/github')['getOctokit']>
type Answer = { status: number; data: unknown }

/**
 * GitHub's REST API through octokit (which follows the runner's proxy settings), every call
 * bounded: `timeoutMs` an attempt, `maxRetries` more attempts after no answer, a 429 or a 5xx,
 * with the Bolna calls' backoff. `@actions/github` is loaded only by `connect`.
 */
export class GitHubApi {
  private constructor(
    private readonly octokit: Octokit,
    readonly repo: { owner: string; repo: string },
    private readonly settings: GitHubSettings
  ) {}

  static async connect(settings: GitHubSettings): Promise<GitHubApi> {
    const github = await import('@actions/github')
    return new GitHubApi(github.getOctokit(settings.token), github.context.repo, settings)
  }

  /** The token's own login where GitHub says it (a personal token); undefined where it cannot (GITHUB_TOKEN, an App's token: 403) or did not answer. */
  async login(): Promise<string | undefined> {
    try {
      const { data } = await this.call('GET /user', 'read the token’s user', {})
      const login = (data as { login?: unknown }).login
      return typeof login === 'string' && login ? login : undefined
    } catch (error) {
      if (error instanceof GitHubCallError) return undefined
      throw error
    }
  }

  /** Every comment of the issue or pull request, oldest first, 100 a page. */
  async comments(issue: number): Promise<IssueComment[]> {
    const all: IssueComment[] = []
    for (let page = 1; ; page++) {
      const { data } = await this.call('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', `list the comments of pull request #${issue}`, {
        ...this.repo,
        issue_number: issue,
        per_page: 100,
        page
      })
      const batch = Array.isArray(data) ? data : []
      all.push(...batch.map(toComment))
      if (batch.length < 100) return all
    }
  }

  async createComment(issue: number, body: string): Promise<IssueComment> {
    const { data } = await this.call('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', `post the plan comment on pull request #${issue}`, {
      ...this.repo,
      issue_number: issue,
      body
    })
    return toComment(data)
  }

  async updateComment(id: number, body: string, issue: number): Promise<IssueComment> {
    const { data } = await this.call('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', `update the plan comment on pull request #${issue}`, {
      ...this.repo,
      comment_id: id,
      body
    })
    return toComment(data)
  }

  /** The merged pull requests the commit belongs to, the one merged as this very commit first. */
  async mergedPulls(commit: string): Promise<MergedPull[]> {
    const { data } = await this.call('GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls', `find the pull request of commit ${commit.slice(0, 12)}`, {
      ...this.repo,
      commit_sha: commit
    })
    const pulls = (Array.isArray(data) ? data : []) as { number?: unknown; merged_at?: unknown; merge_commit_sha?: unknown; head?: { sha?: unknown } }[]
    const merged = pulls
      .filter(p => typeof p.number === 'number' && typeof p.merged_at === 'string' && typeof p.head?.sha === 'string')
      .map(p => ({ number: p.number as number, mergeCommit: typeof p.merge_commit_sha === 'string' ? p.merge_commit_sha : '', head: p.head?.sha as string }))
    return merged.sort((a, b) => Number(b.mergeCommit === commit) - Number(a.mergeCommit === commit))
  }

  /** One call: each attempt bounded by timeoutMs, retried on no answer, 429 and 5xx up to maxRetries times. */
  private async call(route: string, what: string, params: Record<string, unknown>): Promise<Answer> {
    const { timeoutMs, maxRetries } = this.settings
    const sleep = this.settings.sleep ?? realClock.sleep
    for (let attempt = 0; ; attempt++) {
      let status: number | undefined
      let reason: string
      try {
        return (await this.octokit.request(route, { ...params, request: { signal: AbortSignal.timeout(timeoutMs) } })) as Answer
      } catch (error) {
        // Octokit gives a failure with no answer (a timeout, a reset) status 500 too: only an answer has a status.
        const answered = (error as { response?: { status?: unknown } }).response?.status
        status = typeof answered === 'number' ? answered : undefined
        reason = status ? `answered ${status}` : timedOut(error) ? `had no answer within ${timeoutMs / 1000} s` : `had no answer (${firstLine(error)})`
      }
      const retryable = status === undefined || status === 429 || status >= 500
      if (!retryable || attempt >= maxRetries) {
        const tries = attempt > 0 ? ` (${attempt + 1} attempts)` : ''
        throw new GitHubCallError(`the GitHub API call to ${what} ${reason}${tries}`, status)
      }
      await sleep(backoffMs(attempt))
    }
  }
}

function toComment(data: unknown): IssueComment {
  const c = (data ?? {}) as { id?: unknown; body?: unknown; user?: { login?: unknown } | null; created_at?: unknown }
  return {
    id: typeof c.id === 'number' ? c.id : 0,
    body: typeof c.body === 'string' ? c.body : '',
    login: typeof c.user?.login === 'string' ? c.user.login : '',
    createdAt: typeof c.created_at === 'string' ? c.created_at : ''
  }
}

function timedOut(error: unknown): boolean {
  const names = [(error as Error)?.name, ((error as { cause?: Error })?.cause as Error | undefined)?.name]
  return names.includes('TimeoutError') || names.includes('AbortError')
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? ''
}
