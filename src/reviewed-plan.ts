import * as core from '@actions/core'
import { GitHubApi, GitHubCallError } from './github-api.js'
import type { NumbersFileSettings } from './inputs.js'
import type { Plan } from './plan.js'
import { isForFile, ownComments } from './pr-comment.js'
import { signingKey, verifiedBlock } from './plan-signature.js'
import { planTotals } from './render.js'
import { messageOf, quote } from './text.js'

export type ReviewSettings = Pick<NumbersFileSettings, 'token' | 'githubToken' | 'timeoutMs' | 'maxRetries' | 'dryRun' | 'requireReviewedPlan'>

/**
 * require_reviewed_plan (the default): an apply run on GitHub (not a dry run) applies only the plan
 * reviewed on the pull request that brought its commit. A run with no event (a local run) has none to find.
 */
export function reviewRequired(settings: ReviewSettings): boolean {
  return settings.requireReviewedPlan && !settings.dryRun && Boolean(process.env.GITHUB_EVENT_NAME)
}

/** Why the apply may not go on; every message says that nothing was changed. */
class Unreviewed extends Error {
  constructor(reason: string) {
    super(`require_reviewed_plan: ${reason}`)
  }
}

/**
 * Goes on only when this plan is the one reviewed: the pull request merged as this commit has, as
 * the newest of the action's comments for the file, a comment the action signed, unedited, for
 * the pull request's final head commit, whose fingerprint is this plan's. Throws why not.
 */
export async function refuseUnreviewedPlan(plan: Plan, fingerprint: string, file: string, settings: ReviewSettings): Promise<void> {
  const optOut = 'For scheduled reconciles and direct pushes, set require_reviewed_plan: false.'
  if (!settings.githubToken) {
    throw new Unreviewed(
      `github_token is empty, so the pull request's plan cannot be read; nothing was changed. Give it a token with contents: read and pull-requests: read. ${optOut}`
    )
  }
  const { context } = await import('@actions/github')
  const commit = context.sha ?? ''
  const repository = `${context.repo.owner}/${context.repo.repo}`
  const key = signingKey(settings.token)
  const again = 'Run the plan on the pull request again (a dry run with pr_comment: true and the same Bolna token), review it, and merge.'
  try {
    const api = await GitHubApi.connect({ token: settings.githubToken, timeoutMs: settings.timeoutMs, maxRetries: settings.maxRetries })
    const [pull] = await api.mergedPulls(commit)
    if (!pull)
      throw new Unreviewed(`commit ${commit.slice(0, 12)} came from no merged pull request, so no plan was reviewed for it; nothing was changed. ${optOut}`)
    const where = `pull request #${pull.number}`
    const place = (author: string) => ({ repository, pullRequest: pull.number, author })
    const comments = await api.comments(pull.number)
    const newest = ownComments(comments, file, key, place).at(-1)
    if (!newest) {
      // None is as the action signed it: whose they are cannot be told, so none is trusted.
      const some = comments.some(c => isForFile(c, file))
      const why = some
        ? `none of the plan comments for ${quote(file)} on ${where} is as this action signed it (edited after it was written, or not written by it)`
        : `${where} has no plan comment for ${quote(file)} from this action`
      throw new Unreviewed(`${why}; nothing was changed. ${again}`)
    }
    const reviewed = verifiedBlock(key, newest.body, place(newest.login))
    if (!reviewed) {
      throw new Unreviewed(
        `the newest plan comment for ${quote(file)} on ${where} is not as this action signed it (it was edited after it was written), so no plan is reviewed; nothing was changed. ${again}`
      )
    }
    if (reviewed.status !== 'planned' || !reviewed.fingerprint) {
      throw new Unreviewed(`the newest plan comment for ${quote(file)} on ${where} shows a plan that ${reviewed.status}; nothing was changed. ${again}`)
    }
    if (reviewed.commit !== pull.head) {
      throw new Unreviewed(
        `the plan on ${where} is for commit ${reviewed.commit.slice(0, 12)}, not the pull request's final head commit ${pull.head.slice(0, 12)}; nothing was changed. ${again}`
      )
    }
    if (reviewed.fingerprint !== fingerprint) {
      const then = reviewed.totals ? planTotals({ changes: [], notes: [], counts: reviewed.totals }).replace(/\.$/, '') : 'unknown totals'
      throw new Unreviewed(
        `this plan is not the one reviewed on ${where}, so nothing was changed. ` +
          `Reviewed: ${then} (plan ${reviewed.fingerprint.slice(0, 16)}). Now: ${planTotals(plan).replace(/\.$/, '')} (plan ${fingerprint.slice(0, 16)}). ` +
          'Bolna or the file changed since the review: plan again on a pull request, review it, and merge.'
      )
    }
    core.info(`Applying the plan reviewed on ${where} (plan ${fingerprint.slice(0, 16)}).`)
  } catch (error) {
    if (error instanceof GitHubCallError) {
      const hint = error.status === 403 || error.status === 404 ? ' The job needs permissions: { contents: read, pull-requests: read }.' : ''
      throw new Unreviewed(`reading the pull request's plan failed: ${messageOf(error)}; nothing was changed.${hint}`)
    }
    throw error
  }
}
