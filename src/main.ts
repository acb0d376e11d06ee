import { readFile, realpath } from 'node:fs/promises'
import { isAbsolute, relative, resolve, sep } from 'node:path'
import * as core from '@actions/core'
import { applyPlan, failed, verifyApplied } from './apply.js'
import type { ApplyOptions, ApplyResult, Unverified } from './apply.js'
import { CONCURRENT_RUNS_HINT } from './verify.js'
import { connectToBolna } from './bolna/connect.js'
import type { Bolna, TrunkNumber, TrunkState } from './bolna/port.js'
import { realClock } from './clock.js'
import { eachConcurrently } from './concurrency.js'
import { readSettings, secretInputs } from './inputs.js'
import type { Secrets } from './secrets.js'
import type { ExportSettings, NumbersFileSettings, Settings, SingleNumberSettings } from './inputs.js'
import { exportedFile, writeExport } from './export.js'
import { healthWarnings, onlyWarnings } from './health.js'
import type { Warning } from './health.js'
import { deleteLimitProblem, hasChanges, planChanges } from './plan.js'
import { planFingerprint } from './plan-fingerprint.js'
import type { PlanOutcome } from './pr-comment.js'
import type { Change, DesiredState, Plan } from './plan.js'
import type { FileProblem } from './numbers-file.js'
import { annotateProblems, reportExport, reportKeptRecord, reportFailure, reportNumber, reportPlan, reportResults, reportWarnings } from './report.js'
import { messageOf, quote } from './text.js'

/** The step: read the inputs, plan against what Bolna holds, then apply unless dry_run. */
export async function run(): Promise<void> {
  const secrets = secretInputs()
  try {
    const settings = readSettings()
    // One line per request only when step debug is on: a thousand-number apply stays quiet.
    const bolna = connectToBolna(settings, core.isDebug() ? line => core.debug(line) : undefined)
    if (settings.mode === 'single') await addOneNumber(bolna, settings)
    else if (settings.mode === 'export') await exportNumbers(bolna, settings)
    else await syncNumbersFile(bolna, settings, secrets)
  } catch (error) {
    const reason = secrets.redact(messageOf(error))
    core.setFailed(reason)
    // The job summary says why on every failure too (best effort: the step has failed already).
    await reportFailure(reason, error instanceof FileProblems ? error.problems : []).catch(() => undefined)
  }
}

/** A numbers file with problems: each is annotated on its line; nothing was changed. */
class FileProblems extends Error {
  constructor(
    file: string,
    readonly problems: readonly FileProblem[]
  ) {
    const where = problems.length > 50 ? 'the first 50 annotated above' : 'annotated above'
    super(`${file} has ${problems.length} problem(s), ${where}; nothing was changed.`)
  }
}

/** Single mode: a one-entry plan, applied like a file's. */
async function addOneNumber(bolna: Bolna, settings: SingleNumberSettings): Promise<void> {
  const states = await readTrunks(bolna, settings.desired, 1)
  const warnings = healthWarnings(settings.desired, states)
  try {
    await addToTrunk(bolna, settings, states, warnings)
  } finally {
    // Said on a failed run too: they may be why calls would not arrive.
    await sayWarnings(warnings)
  }
}

/** The number added (or found) and reported, on the trunk as read. */
async function addToTrunk(bolna: Bolna, settings: SingleNumberSettings, states: ReadonlyMap<string, TrunkState>, warnings: Warning[]): Promise<void> {
  const { desired } = settings
  const [
    {
      trunk,
      numbers: [want]
    }
  ] = desired.trunks
  const actual = numbersOf(states)
  const plan = planChanges(desired, actual, false, settings.onNameChange)
  const entries = plan.changes.filter(c => c.action !== 'leave')
  const change = entries.find((c): c is Exclude<Change, { action: 'remove' | 'leave' }> => c.action !== 'remove')
  if (!change) throw new Error('a one-number plan always adds or keeps its number')
  const found = change.action === 'add' ? undefined : change.number
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
    const agentStatus = want.agentId === undefined ? undefined : change.action === 'keep' && !change.agent ? 'unchanged' : 'planned'
    await reportNumber({ ...report, status: found ? 'exists' : 'planned', number: found, agentStatus })
    return failOnWarnings(warnings, settings)
  }

  const results = await applyPlan(bolna, plan, actual, applyOptions(settings, warnings))
  const result = results[entries.indexOf(change)] as ApplyResult
  const status = result.status === 'failed' ? 'failed' : result.status === 'exists' ? 'exists' : 'created'
  await reportNumber({ ...report, status, number: result.number, agentStatus: result.agent_status, telephonyStatus: result.telephony_status })
  const failures = results.filter(failed)
  if (failures.length > 0) throw new Error(failures.map(r => failureLine(r)).join('\n'))
  await verifyOrFail(bolna, plan, results, settings)
  failOnWarnings(warnings, settings)
}

/** Export mode: a numbers file of what the trunks hold, which applied right away changes nothing but duplicate records. */
async function exportNumbers(bolna: Bolna, settings: ExportSettings): Promise<void> {
  const { path, shownAs } = await inWorkspace(settings.exportFile, 'export_file')
  const api = settings.trunkApi
  const ids = settings.trunkIds ?? (await bolna.listTrunks(api))
  const trunks = ids.map(id => ({ trunk: { id, api }, numbers: [] as TrunkNumber[] }))
  await eachConcurrently(trunks, settings.concurrency, async entry => {
    entry.numbers = (await bolna.readTrunk(entry.trunk)).numbers
  })
  const source = settings.trunkIds ? `trunk_api ${api}, trunk_id ${ids.join(', ')}` : `every trunk of trunk_api ${api} the key can see`
  const { text, count } = exportedFile(trunks, source, new Date())
  await writeExport(path, text)
  await reportExport(count, trunks.length, shownAs)
}

/** Reports the warnings: in the log, as annotations on the trunks' lines, in the summary and the `warnings` output. */
async function sayWarnings(warnings: readonly Warning[], file?: { shownAs: string; path: string }): Promise<void> {
  const lineOf = file && warnings.length > 0 ? await trunkLines(file.path) : undefined
  await reportWarnings(warnings, file && lineOf && { shownAs: file.shownAs, lineOf })
}

/** With fail_on_warnings, the warnings fail the step (after the work is done; they are said either way). */
function failOnWarnings(all: readonly Warning[], settings: Settings): void {
  const warnings = onlyWarnings(all)
  if (settings.failOnWarnings && warnings.length > 0) {
    throw new Error(`${warnings.length} warning(s), and fail_on_warnings is true:\n${warnings.map(w => `  ${w.message}`).join('\n')}`)
  }
}

/** The line of each trunk_id in the numbers file, for annotations (read again only when there are warnings). */
async function trunkLines(path: string): Promise<(trunkId: string) => number | undefined> {
  const lines = (await readFile(path, 'utf8').catch(() => '')).split(/\r?\n/)
  // Once per trunk: a file of 20,000 numbers without agents has 20,000 warnings on 20 trunks.
  const found = new Map<string, number | undefined>()
  return trunkId => {
    if (found.has(trunkId)) return found.get(trunkId)
    const index = lines.findIndex(line => /trunk_id/.test(line) && line.includes(trunkId))
    found.set(trunkId, index >= 0 ? index + 1 : undefined)
    return found.get(trunkId)
  }
}

/** File mode: check the whole file, plan against every listed trunk, then apply unless dry_run. */
async function syncNumbersFile(bolna: Bolna, settings: NumbersFileSettings, secrets: Secrets): Promise<void> {
  await boundYoungGeneration()
  const { path, shownAs } = await inWorkspace(settings.numbersFile)
  // The PR comment always shows this run: its plan, or why there is none.
  const comment = async (outcome: PlanOutcome) => {
    if (!settings.prComment) return
    const { commentPlan } = await import('./pr-comment.js')
    await commentPlan(outcome, shownAs, settings)
  }
  let plan: Plan | undefined
  const warnings: Warning[] = []
  try {
    const desired = await readNumbersFileOrFail(path, shownAs, settings, secrets)
    const states = await readTrunks(bolna, desired, settings.concurrency)
    const actual = numbersOf(states)
    warnings.push(...healthWarnings(desired, states))
    plan = planChanges(desired, actual, settings.prune, settings.onNameChange)
    await reportPlan(plan, shownAs, settings.dryRun)
    refuseTooManyDeletes(plan, settings.maxDeletes)
    const fingerprint = planFingerprint(plan, settings)
    await comment({ status: 'planned', plan, fingerprint })
    const review = await import('./reviewed-plan.js')
    if (review.reviewRequired(settings)) await review.refuseUnreviewedPlan(plan, fingerprint, shownAs, settings)
    if (settings.dryRun) {
      if (settings.failOnDrift && hasChanges(plan)) throw new Error('Drift: Bolna does not match the numbers file (see the plan above).')
      return failOnWarnings(warnings, settings)
    }
    const results = await applyPlan(bolna, plan, actual, applyOptions(settings, warnings))
    const unverified = await verifyApplied(bolna, plan, results, { settleMs: settings.settleMs, clock: realClock, log: line => core.info(line) })
    await reportResults(results, unverified, writtenTrunks(plan, results))
    const failures = results.filter(failed)
    if (failures.length > 0) {
      const lines = failures.map(r => `  ${failureLine(r)}`)
      throw new Error(`${failures.length} of ${results.length} entries failed; the rest were applied:\n${lines.join('\n')}`)
    }
    if (unverified.length > 0) throw new Error(unverifiedMessage(unverified))
    failOnWarnings(warnings, settings)
  } catch (error) {
    // A run that stopped before its plan was posted rewrites the comment with the reason
    // (redacted, as the step's own failure line is: a comment is more public than a log).
    if (!plan || deleteLimitProblem(plan, settings.maxDeletes)) {
      const reason = secrets.redact(messageOf(error))
      await comment(plan ? { status: 'blocked', reason, plan } : { status: 'failed', reason }).catch(failed => core.error(secrets.redact(messageOf(failed))))
    }
    throw error
  } finally {
    // Said on a failed run too: they may be why calls would not arrive.
    await sayWarnings(warnings, { shownAs, path })
  }
}

/**
 * V8 doubles the young generation each time enough objects survive it, up to a cap sized from the
 * host's memory, and a numbers file of 20,000 entries keeps that many alive: it grew to 128 MiB while
 * the old generation held 30 MiB. An action cannot pass --max-semi-space-size (set at run time, it
 * has no effect); this keeps the young generation at its starting size. Measured on that file (npm run
 * bench -- --only memory-20k): peak RSS 271 MiB -> 173 MiB, action CPU unchanged. Only file mode
 * needs it, so the single-number path does not load node:v8 (about 4 ms of a cold start).
 */
async function boundYoungGeneration(): Promise<void> {
  const { setFlagsFromString } = await import('node:v8')
  setFlagsFromString('--semi-space-growth-factor=1')
}

/** Single mode's check that Bolna shows what it wrote; fails the step when it does not. */
async function verifyOrFail(bolna: Bolna, plan: Plan, results: ApplyResult[], settings: SingleNumberSettings): Promise<void> {
  const reported = results.map(r => r.number_id)
  const unverified = await verifyApplied(bolna, plan, results, { settleMs: settings.settleMs, clock: realClock, log: line => core.info(line) })
  for (const [i, r] of results.entries()) if (r.number && r.number_id !== reported[i]) reportKeptRecord(r.number, { id: r.trunk_id, api: r.trunk_api })
  if (unverified.length > 0) throw new Error(unverifiedMessage(unverified))
  if (writtenTrunks(plan, results) > 0) core.info('Verified: the trunk was read again and shows the result.')
}

function unverifiedMessage(unverified: readonly Unverified[]): string {
  const lines = unverified.map(
    u => `  trunk ${quote(u.trunkId)}: ${u.missing.slice(0, 5).join('; ')}${u.missing.length > 5 ? `; and ${u.missing.length - 5} more` : ''}`
  )
  const hint = unverified.some(u => u.duplicates) ? `\n${CONCURRENT_RUNS_HINT}` : ''
  return `Applied, but not verified: ${unverified.length} trunk(s) did not show the result within settle_seconds. Re-run to check (a re-run adds nothing twice once the list shows it):\n${lines.join('\n')}${hint}`
}

/** How many trunks the apply wrote to (those verifyApplied re-reads). */
function writtenTrunks(plan: Plan, results: readonly ApplyResult[]): number {
  const entries = plan.changes.filter(c => c.action !== 'leave')
  const written = new Set<string>()
  results.forEach((r, i) => {
    const wrote = r.status === 'created' || r.status === 'removed' || r.status === 'replaced' || r.agent_status === 'mapped' || r.agent_status === 'unmapped'
    if (wrote) written.add(entries[i]?.trunk.id ?? '')
  })
  return written.size
}

function applyOptions(settings: SingleNumberSettings | NumbersFileSettings, warnings: Warning[]): ApplyOptions {
  return {
    concurrency: settings.concurrency,
    setAgentTelephony: settings.setAgentTelephony,
    log: line => core.info(line),
    warn: (trunkId, message) => warnings.push({ trunkId, message })
  }
}

function failureLine(result: ApplyResult): string {
  const id = result.number_id ? ` (id ${quote(result.number_id)})` : ''
  return `${quote(result.phone_number)} on trunk ${quote(result.trunk_id)}${id}: ${result.error}`
}

function refuseTooManyDeletes(plan: Plan, maxDeletes: number): void {
  const tooMany = deleteLimitProblem(plan, maxDeletes)
  if (tooMany) throw new Error(tooMany)
}

/** Reads every trunk the plan names, once each (numbers and settings); any failure stops the run before a write. */
async function readTrunks(bolna: Bolna, desired: DesiredState, concurrency: number): Promise<Map<string, TrunkState>> {
  const states = new Map<string, TrunkState>()
  await eachConcurrently(desired.trunks, concurrency, async ({ trunk }) => {
    states.set(trunk.id, await bolna.readTrunk(trunk))
  })
  return states
}

function numbersOf(states: ReadonlyMap<string, TrunkState>): Map<string, TrunkNumber[]> {
  return new Map([...states].map(([id, state]) => [id, state.numbers]))
}

/** The numbers file, checked whole; its problems are annotated on their lines and fail the step. */
async function readNumbersFileOrFail(path: string, shownAs: string, settings: NumbersFileSettings, secrets: Secrets): Promise<DesiredState> {
  const { readNumbersFile } = await import('./numbers-file.js')
  const file = await readNumbersFile(path, secrets, settings.trunkApi)
  if (!file.ok) {
    annotateProblems(shownAs, file.problems)
    throw new FileProblems(shownAs, file.problems)
  }
  return file.desired
}

/** A path from an input, which must be inside the workspace, also once symlinks are followed. */
async function inWorkspace(file: string, input = 'numbers_file'): Promise<{ path: string; shownAs: string }> {
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd()
  const path = resolve(workspace, file)
  const outside = (from: string, to: string) => {
    const rel = relative(from, to)
    return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)
  }
  const real = (p: string) => realpath(p).catch(() => p)
  if (outside(workspace, path) || outside(await real(workspace), await real(path))) {
    throw new Error(`Input "${input}" must be a path inside the workspace (got ${quote(file)}).`)
  }
  // As GitHub names files (annotations, the PR comment's marker): with "/" on Windows too.
  return { path, shownAs: relative(workspace, path).split(sep).join('/') }
}
