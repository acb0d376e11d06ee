import * as core from '@actions/core'
import { GitHubApi, GitHubCallError } from './github-api.js'
import type { IssueComment } from './github-api.js'
import type { NumbersFileSettings } from './inputs.js'
import type { Plan } from './plan.js'
import { looksLikePlanComment, readBlock, renderBlock, signedBody, signingKey, verifiedBlock } from './plan-signature.js'
import type { CommentMetadata, CommentPlace } from './plan-signature.js'
import { cell, planMarkdown } from './render.js'
import { redact } from './secrets.js'
import { messageOf } from './text.js'

/** GitHub refuses a comment body over 65,536 characters (422). */
export const COMMENT_LIMIT = 65_536

export type CommentSettings = Pick<NumbersFileSettings, 'token' | 'githubToken' | 'timeoutMs' | 'maxRetries' | 'dryRun' | 'prComment'>

/** What a run shows on its pull request: its plan, or why there is none (blocked by max_deletes, or failed). */
export type PlanOutcome = { status: 'planned'; plan: Plan; fingerprint: string } | { status: 'blocked' | 'failed'; reason: string; plan?: Plan }

/** pull_request or pull_request_target, read without loading octokit. */
function isPullRequestEvent(): boolean {
  return (process.env.GITHUB_EVENT_NAME ?? '').startsWith('pull_request')
}

/**
 * On a pull request, shows this run's plan (or why there is none) in one comment per numbers
 * file: the action's own, updated in place, never anyone else's. The comment is signed
 * (plan-signature.ts), names the head commit, links the run, and fits GitHub's limit: a plan too
 * long is shortened to its totals and first rows. A comment that cannot be written fails the
 * step: the pull request must never show an older plan as if it were this one.
 */
export async function commentPlan(outcome: PlanOutcome, file: string, settings: CommentSettings): Promise<void> {
  if (!settings.prComment || !isPullRequestEvent()) return
  const { context } = await import('@actions/github')
  const pullRequest = context.payload.pull_request?.number
  if (typeof pullRequest !== 'number') return
  const fix = 'Give the job `permissions: { pull-requests: write }` and a github_token, or set pr_comment: false.'
  if (!settings.githubToken) throw new Error(`Could not write the plan comment on pull request #${pullRequest}: github_token is empty. ${fix}`)
  const head: string = context.payload.pull_request?.head?.sha ?? context.sha ?? ''
  const run = `${context.serverUrl}/${context.repo.owner}/${context.repo.repo}/actions/runs/${context.runId}`
  const repository = `${context.repo.owner}/${context.repo.repo}`
  const metadata: Omit<CommentMetadata, 'signature'> = {
    kind: 'bolna-sip-trunk-number/plan',
    version: 1,
    file,
    status: outcome.status,
    dry_run: settings.dryRun,
    commit: head,
    fingerprint: outcome.status === 'planned' ? outcome.fingerprint : null,
    totals: outcome.plan ? outcome.plan.counts : null
  }
  const footer = `\n<sub>${outcomeLine(outcome.status, settings.dryRun)} Commit ${head.slice(0, 12) || 'unknown'} · [run ${context.runId}](${run})${
    metadata.fingerprint ? ` · plan ${metadata.fingerprint.slice(0, 16)}` : ''
  }</sub>\n`
  // Redacted before it is signed: the step's secrets, in any encoding, never reach a comment.
  const markdown = redact(fitted(outcome, file, renderBlock({ ...metadata, signature: '0'.repeat(64) }), footer, run))

  try {
    const api = await GitHubApi.connect({ token: settings.githubToken, timeoutMs: settings.timeoutMs, maxRetries: settings.maxRetries })
    const key = signingKey(settings.token)
    const place = (author: string): CommentPlace => ({ repository, pullRequest, author })
    const login = await api.login()
    const ours = ownComments(await api.comments(pullRequest), file, key, place, login)
    const earlier = ours.at(-1)
    // The signature names its author: where the token cannot say who it is, the answer to the write does.
    const author = login ?? earlier?.login ?? ''
    const body = (who: string) => signedBody(key, metadata, markdown, place(who))
    let written = earlier ? await api.updateComment(earlier.id, body(author), pullRequest) : await api.createComment(pullRequest, body(author))
    if (written.login && written.login !== author) written = await api.updateComment(written.id, body(written.login), pullRequest)
    core.info(`${earlier ? 'Updated' : 'Posted'} the plan comment on pull request #${pullRequest}.`)
    if (!earlier) await retireOlder(api, pullRequest, file, written)
  } catch (error) {
    const status = error instanceof GitHubCallError && error.status ? ` (${error.status})` : ''
    const hint =
      error instanceof GitHubCallError && (error.status === 403 || error.status === 404)
        ? fix
        : error instanceof GitHubCallError && error.status === 422
          ? 'GitHub refused the body.'
          : 'Re-run the job.'
    throw new Error(
      `Could not write the plan comment on pull request #${pullRequest}${status}, so it does not show this run's plan: ${messageOf(error)}. ${hint}`
    )
  }
}

/**
 * The action's own comments for `file`, oldest first. Own means written by `login`, where the
 * token says who it is; else by an account that has written a comment this action signed (only
 * a holder of the signing key can sign, and a signature names its author). A login is never guessed.
 * Comments whose block cannot be read count as the file's (an edit may have broken it), so that
 * they void a review rather than hide.
 */
export function ownComments(
  comments: readonly IssueComment[],
  file: string,
  key: Buffer,
  place: (author: string) => CommentPlace,
  login?: string
): IssueComment[] {
  const forFile = comments.filter(c => isForFile(c, file))
  const authors = login ? new Set([login]) : new Set(forFile.filter(c => verifiedBlock(key, c.body, place(c.login))).map(c => c.login))
  return forFile.filter(c => authors.has(c.login)).sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id - b.id))
}

/**
 * Where no earlier comment could be told to be the action's (the token cannot say who it is, and
 * none is signed as written, e.g. after an edit), the answer to the post names the account: its
 * older comments for the file are the action's, and now say that they are replaced, so that the
 * pull request shows one plan.
 */
async function retireOlder(api: GitHubApi, pullRequest: number, file: string, written: IssueComment): Promise<void> {
  const comments = await api.comments(pullRequest)
  const older = comments.filter(c => c.id !== written.id && c.login === written.login && isForFile(c, file))
  for (const comment of older) {
    await api.updateComment(comment.id, `_This plan comment for \`${file.replace(/`/g, "'")}\` is replaced by a newer one below._\n`, pullRequest)
  }
}

/** A comment that starts as the action's plan comments do and names the file (or cannot say which file: an edit may have broken it). */
export function isForFile(comment: IssueComment, file: string): boolean {
  return looksLikePlanComment(comment.body) && (readBlock(comment.body)?.metadata.file ?? file) === file
}

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8')
}

/**
 * The Markdown of the comment, within GitHub's limit however it counts (measured in UTF-8
 * bytes, never fewer than characters or UTF-16 units): the whole plan, or its totals and as many
 * first rows as fit, saying where the whole plan is.
 */
function fitted(outcome: PlanOutcome, file: string, block: string, footer: string, run: string): string {
  const render = (maxRows: number) => {
    const plan = outcome.plan && planMarkdown(outcome.plan, file, maxRows)
    // The reason is redacted before Markdown escapes it too: `ghs\_…` is no spelling of a secret that redact knows, yet GitHub shows it as `ghs_…`.
    return outcome.status === 'planned' && plan ? plan : failedPlanMarkdown(file, outcome.status === 'planned' ? '' : redact(outcome.reason), plan)
  }
  const budget = COMMENT_LIMIT - bytes(`${block}\n`)
  const whole = `${render(Number.POSITIVE_INFINITY)}${footer}`
  if (bytes(whole) <= budget) return whole
  const note = `\n> This plan is too long for one comment: it shows the totals and the first rows. The whole plan is in [the run's summary](${run}) and in the step's \`plan_file\` output.\n`
  const fits = (rows: number) => bytes(render(rows)) + bytes(note) + bytes(footer) <= budget
  let [low, high] = [0, whole.split('\n').length]
  if (!fits(0)) return `${cut(render(0), budget - bytes(note) - bytes(footer))}${note}${footer}`
  while (low < high) {
    const mid = Math.ceil((low + high) / 2)
    if (fits(mid)) low = mid
    else high = mid - 1
  }
  return `${render(low)}${note}${footer}`
}

/** The text cut to at most `budget` UTF-8 bytes, on a character boundary. */
function cut(text: string, budget: number): string {
  const characters = [...text]
  let size = bytes(text)
  while (size > budget - bytes('…') && characters.length > 0) size -= bytes(characters.pop() as string)
  return `${characters.join('')}…`
}

/** What the run did with the plan, as the footer says it: a blocked run wrote nothing; a failed one may have written some. */
function outcomeLine(status: PlanOutcome['status'], dryRun: boolean): string {
  if (dryRun) return 'Dry run: nothing was changed.'
  if (status === 'blocked') return 'Blocked: nothing was changed.'
  return status === 'failed' ? 'This run failed: its job summary says what was written.' : 'Applied by this run.'
}

/** The PR comment of a run that made no plan, or whose plan is blocked. */
function failedPlanMarkdown(file: string, reason: string, plan?: string): string {
  const name = file.replace(/`/g, "'")
  const heading = `### Bolna numbers: plan for \`${name}\`: ${plan ? 'blocked' : 'failed'}`
  const body = plan ? plan.replace(/^### .*\n/, '') : 'No plan was made: fix the problem (see the job summary and the annotations) and push again.\n'
  return `${heading}\n\n**${cell(reason.split('\n')[0] ?? reason)}**\n\n${body}`
}
