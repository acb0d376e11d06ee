import * as core from '@actions/core'

/** pull_request or pull_request_target, read without loading octokit. */
function isPullRequestEvent(): boolean {
  return (process.env.GITHUB_EVENT_NAME ?? '').startsWith('pull_request')
}

const COMMENT_MARKER_PREFIX = '<!-- bolna-sip-trunk-number plan:'

/**
 * Posts the plan on the pull request, or updates the comment an earlier run posted
 * (found by a hidden marker naming the file). `@actions/github` is loaded only here,
 * so runs that write no comment do not pay for octokit. Any failure is a warning:
 * a missing permission must not fail a plan.
 */
export async function commentPlan(markdown: string, file: string, githubToken: string): Promise<void> {
  if (!isPullRequestEvent()) return
  const github = await import('@actions/github')
  const { context } = github
  const pullRequest = context.payload.pull_request?.number
  if (typeof pullRequest !== 'number') return
  if (!githubToken) {
    core.warning('No github_token, so the plan was not posted on the pull request.')
    return
  }
  const marker = `${COMMENT_MARKER_PREFIX} ${JSON.stringify(file).replace(/--/g, '-\\u002d')} -->`
  const body = `${marker}\n${markdown}`
  try {
    const octokit = github.getOctokit(githubToken)
    const where = { ...context.repo, issue_number: pullRequest }
    const comments = await octokit.paginate(octokit.rest.issues.listComments, { ...where, per_page: 100 })
    const earlier = comments.find(comment => comment.body?.startsWith(marker))
    if (earlier) {
      await octokit.rest.issues.updateComment({ ...context.repo, comment_id: earlier.id, body })
      core.info(`Updated the plan comment on pull request #${pullRequest}.`)
    } else {
      await octokit.rest.issues.createComment({ ...where, body })
      core.info(`Posted the plan on pull request #${pullRequest}.`)
    }
  } catch (error) {
    const status = (error as { status?: number }).status
    const hint = status === 403 || status === 404 ? ' Give the job `permissions: { pull-requests: write }`.' : status ? '' : ` (${firstLine(error)})`
    core.warning(`Could not write the plan comment on pull request #${pullRequest}${status ? ` (${status})` : ''}.${hint}`)
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? ''
}
