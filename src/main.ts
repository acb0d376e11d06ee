import { realpath } from 'node:fs/promises'
import { isAbsolute, relative, resolve, sep } from 'node:path'
import * as core from '@actions/core'
import { applyPlan, failed } from './apply.js'
import type { ApplyOptions, ApplyResult } from './apply.js'
import { connectToBolna } from './bolna/connect.js'
import type { Bolna, TrunkNumber } from './bolna/port.js'
import { eachConcurrently } from './concurrency.js'
import { readSettings, secretInputs } from './inputs.js'
import type { NumbersFileSettings, SingleNumberSettings } from './inputs.js'
import { deleteLimitProblem, hasChanges, planChanges } from './plan.js'
import type { DesiredState, Plan } from './plan.js'
import { annotateProblems, reportNumber, reportPlan, reportResults } from './report.js'
import { planMarkdown } from './render.js'
import { messageOf, quote } from './text.js'

/** About 100 characters a row: the comment stays well under GitHub's 65,536. */
const PR_COMMENT_MAX_ROWS = 300

/** The step: read the inputs, plan against what Bolna holds, then apply unless dry_run. */
export async function run(): Promise<void> {
  const secrets = secretInputs()
  try {
    const settings = readSettings()
    // One line per request only when step debug is on: a thousand-number apply stays quiet.
    const bolna = connectToBolna(settings, core.isDebug() ? line => core.debug(line) : undefined)
    if (settings.mode === 'single') await addOneNumber(bolna, settings)
    else await syncNumbersFile(bolna, settings)
  } catch (error) {
    core.setFailed(secrets.redact(messageOf(error)))
  }
}

/** Single mode: a one-entry plan, applied like a file's. */
async function addOneNumber(bolna: Bolna, settings: SingleNumberSettings): Promise<void> {
  const { desired } = settings
  const [
    {
      trunk,
      numbers: [want]
    }
  ] = desired.trunks
  const actual = await readTrunks(bolna, desired, 1)
  const plan = planChanges(desired, actual, false)
  const entries = plan.changes.filter(c => c.action !== 'leave')
  const change = entries.find(c => c.action === 'add' || c.action === 'keep')
  if (change?.action !== 'add' && change?.action !== 'keep') throw new Error('a one-number plan always adds or keeps its number')
  const found = change.action === 'keep' ? change.number : undefined
  const report = {
    trunk,
    want,
    differences: change.action === 'keep' ? change.differences : [],
    notes: plan.notes.map(note => note.text),
    hasChanges: hasChanges(plan)
  }

  if (found && settings.ifExists === 'fail') {
    await reportNumber({ ...report, status: 'exists', number: found })
    throw new Error(`${quote(found.stored)} is already on trunk ${quote(trunk.id)} (id ${quote(found.id)}) and if_exists is "fail".`)
  }
  refuseTooManyDeletes(plan, settings.maxDeletes)
  if (settings.dryRun) {
    const agentStatus = want.agentId === undefined ? undefined : change.agent ? 'planned' : 'unchanged'
    return reportNumber({ ...report, status: found ? 'exists' : 'planned', number: found, agentStatus })
  }

  const results = await applyPlan(bolna, plan, actual, applyOptions(settings))
  const result = results[entries.indexOf(change)] as ApplyResult
  await reportNumber({
    ...report,
    status: result.status === 'failed' ? 'failed' : found ? 'exists' : (result.status as 'created' | 'exists'),
    number: result.number,
    agentStatus: result.agent_status
  })
  const failures = results.filter(failed)
  if (failures.length > 0) throw new Error(failures.map(r => failureLine(r)).join('\n'))
}

/** File mode: check the whole file, plan against every listed trunk, then apply unless dry_run. */
async function syncNumbersFile(bolna: Bolna, settings: NumbersFileSettings): Promise<void> {
  const { desired, shownAs } = await readNumbersFileOrFail(settings)
  const actual = await readTrunks(bolna, desired, settings.concurrency)
  const plan = planChanges(desired, actual, settings.prune)
  await reportPlan(plan, shownAs)
  if (settings.prComment) {
    const { commentPlan } = await import('./pr-comment.js')
    await commentPlan(planMarkdown(plan, shownAs, PR_COMMENT_MAX_ROWS), shownAs, settings.githubToken)
  }
  refuseTooManyDeletes(plan, settings.maxDeletes)
  if (settings.dryRun) {
    if (settings.failOnDrift && hasChanges(plan)) throw new Error('Drift: Bolna does not match the numbers file (see the plan above).')
    return
  }

  const results = await applyPlan(bolna, plan, actual, applyOptions(settings))
  await reportResults(results)
  const failures = results.filter(failed)
  if (failures.length > 0) {
    const lines = failures.map(r => `  ${failureLine(r)}`)
    throw new Error(`${failures.length} of ${results.length} entries failed; the rest were applied:\n${lines.join('\n')}`)
  }
}

function applyOptions(settings: SingleNumberSettings | NumbersFileSettings): ApplyOptions {
  return { concurrency: settings.concurrency, setAgentTelephony: settings.setAgentTelephony, log: line => core.info(line) }
}

function failureLine(result: ApplyResult): string {
  const id = result.number_id ? ` (id ${quote(result.number_id)})` : ''
  return `${quote(result.phone_number)} on trunk ${quote(result.trunk_id)}${id}: ${result.error}`
}

function refuseTooManyDeletes(plan: Plan, maxDeletes: number): void {
  const tooMany = deleteLimitProblem(plan, maxDeletes)
  if (tooMany) throw new Error(tooMany)
}

/** Lists every trunk the plan names, once each; any failure stops the run before a write. */
async function readTrunks(bolna: Bolna, desired: DesiredState, concurrency: number): Promise<Map<string, TrunkNumber[]>> {
  const actual = new Map<string, TrunkNumber[]>()
  await eachConcurrently(desired.trunks, concurrency, async ({ trunk }) => {
    actual.set(trunk.id, await bolna.listNumbers(trunk))
  })
  return actual
}

/** The numbers file, checked whole; its problems are annotated on their lines and fail the step. */
async function readNumbersFileOrFail(settings: NumbersFileSettings): Promise<{ desired: DesiredState; shownAs: string }> {
  const { readNumbersFile } = await import('./numbers-file.js')
  const { path, shownAs } = await inWorkspace(settings.numbersFile)
  const file = await readNumbersFile(path, secretInputs(), settings.trunkApi)
  if (!file.ok) {
    annotateProblems(shownAs, file.problems)
    throw new Error(`${shownAs} has ${file.problems.length} problem(s), annotated above; nothing was changed.`)
  }
  return { desired: file.desired, shownAs }
}

/** The numbers file, which must be inside the workspace, also once symlinks are followed. */
async function inWorkspace(file: string): Promise<{ path: string; shownAs: string }> {
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd()
  const path = resolve(workspace, file)
  const outside = (from: string, to: string) => {
    const rel = relative(from, to)
    return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)
  }
  const real = (p: string) => realpath(p).catch(() => p)
  if (outside(workspace, path) || outside(await real(workspace), await real(path))) {
    throw new Error(`Input "numbers_file" must be a path inside the workspace (got ${quote(file)}).`)
  }
  return { path, shownAs: relative(workspace, path) }
}
