/** File mode: the numbers file planned against every trunk it lists, shown in the job summary and on the pull request. */
import * as core from '@actions/core'
import type { NumbersFileSettings } from './inputs.js'
import type { Mode } from './mode.js'
import type { FileProblem, TrunkLines } from './numbers-file.js'
import { planFingerprint } from './plan-fingerprint.js'
import { deleteLimitProblem, hasChanges } from './plan.js'
import type { DesiredState } from './plan.js'
import type { PlanOutcome } from './pr-comment.js'
import { annotateProblems, reportPlan, reportResults, reportWarnings } from './report.js'
import { fitHeapToLargeRuns } from './heap.js'
import type { Secrets } from './secrets.js'
import { messageOf } from './text.js'
import { inWorkspace } from './workspace.js'
import type { WorkspaceFile } from './workspace.js'

/** A numbers file with problems: each is annotated on its line; nothing was changed. */
export class FileProblems extends Error {
  constructor(
    file: string,
    readonly problems: readonly FileProblem[],
    total = problems.length
  ) {
    const where = problems.length > 50 ? 'the first 50 annotated above' : 'annotated above'
    super(`${file} has ${total} problem(s), ${where}; nothing was changed.`)
  }
}

export async function numbersFileMode(settings: NumbersFileSettings, secrets: Secrets): Promise<Mode> {
  await fitHeapToLargeRuns()
  const file = await inWorkspace(settings.numbersFile, 'numbers_file')
  const { shownAs } = file
  // The PR comment always shows this run: its plan, or why there is none.
  const comment = async (outcome: PlanOutcome) => {
    if (!settings.prComment) return
    const { commentPlan } = await import('./pr-comment.js')
    await commentPlan(outcome, shownAs, settings)
  }
  let trunkLines: TrunkLines = async () => new Map()
  return {
    prune: settings.prune,
    async desired() {
      const read = await readNumbersFileOrFail(file, settings, secrets)
      trunkLines = read.trunkLines
      return read.desired
    },
    planned: plan => reportPlan(plan, shownAs, settings.dryRun),
    async guard(plan) {
      const fingerprint = planFingerprint(plan, settings)
      await comment({ status: 'planned', plan, fingerprint })
      const review = await import('./reviewed-plan.js')
      if (review.reviewRequired(settings)) await review.refuseUnreviewedPlan(plan, fingerprint, shownAs, settings)
    },
    async dryRun(plan) {
      if (settings.failOnDrift && hasChanges(plan)) throw new Error('Drift: Bolna does not match the numbers file (see the plan above).')
    },
    applied: (_plan, results) => reportResults(results),
    async failed(reason, plan) {
      // A run that stopped before its plan was posted rewrites the comment with the reason
      // (redacted, as the step's own failure line is: a comment is more public than a log).
      if (!plan || deleteLimitProblem(plan, settings.maxDeletes)) {
        await comment(plan ? { status: 'blocked', reason, plan } : { status: 'failed', reason }).catch(failed => core.error(secrets.redact(messageOf(failed))))
      }
    },
    async warned(warnings) {
      const lines = warnings.length > 0 ? await trunkLines(warnings.map(w => w.trunkId)) : new Map<string, number>()
      await reportWarnings(warnings, { shownAs, lineOf: trunkId => lines.get(trunkId) })
    }
  }
}

/** The numbers file, checked whole; its problems are annotated on their lines and fail the step. */
async function readNumbersFileOrFail(
  { path, shownAs }: WorkspaceFile,
  settings: NumbersFileSettings,
  secrets: Secrets
): Promise<{ desired: DesiredState; trunkLines: TrunkLines }> {
  const { readNumbersFile } = await import('./numbers-file.js')
  const file = await readNumbersFile(path, secrets, settings.trunkApi)
  if (!file.ok) {
    annotateProblems(shownAs, file.problems)
    throw new FileProblems(shownAs, file.problems, file.total)
  }
  return file
}
