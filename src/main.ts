import * as core from '@actions/core'
import { checkApiIfAsked, watchForDrift } from './api-check.js'
import { applyPlan, failuresProblem } from './apply.js'
import type { ApplyOptions } from './apply.js'
import { connectToBolna } from './bolna/connect.js'
import type { Bolna, TrunkState } from './bolna/port.js'
import { realClock } from './clock.js'
import { eachConcurrently } from './concurrency.js'
import { exportedFile, readForExport, trunksToExport, writeExport } from './export.js'
import { FileProblems, numbersFileMode } from './file-mode.js'
import { guardOutput } from './guard.js'
import { healthWarnings, onlyWarnings } from './health.js'
import type { Warning } from './health.js'
import { readSettings, secretInputs } from './inputs.js'
import type { ExportSettings, NumbersFileSettings, SingleNumberSettings } from './inputs.js'
import type { Mode } from './mode.js'
import { deleteLimitProblem, planChanges } from './plan.js'
import type { DesiredState, Plan } from './plan.js'
import { reportExport, reportFailure, reportVerification, reportWarnings } from './report.js'
import type { Secrets } from './secrets.js'
import { singleNumberMode } from './single-mode.js'
import { messageOf, visibleLines } from './text.js'
import { unverifiedProblem, verifyApplied, writtenTrunks } from './verify.js'
import { inWorkspace } from './workspace.js'

/** The step: read the settings, then the numbers wanted and what Bolna holds; plan, guard, apply unless dry_run, verify, report. */
export async function run(): Promise<void> {
  const secrets = secretInputs()
  guardOutput(secrets)
  const noticeDrift = watchForDrift()
  try {
    if (await checkApiIfAsked(secrets)) return
    const settings = readSettings()
    // One line per request only when step debug is on: a thousand-number apply stays quiet.
    const bolna = connectToBolna(settings, core.isDebug() ? line => core.debug(line) : undefined)
    if (settings.mode === 'export') return await exportNumbers(bolna, settings)
    // Single mode is a one-entry plan: the same steps, reported as one number.
    const mode = settings.mode === 'single' ? singleNumberMode(settings) : await numbersFileMode(settings, secrets)
    await reconcile(bolna, settings, mode, secrets)
  } catch (error) {
    const reason = visibleLines(secrets.redact(messageOf(error)))
    core.setFailed(reason)
    // The job summary says why on every failure too (best effort: the step has failed already).
    await reportFailure(reason, error instanceof FileProblems ? error.problems : []).catch(() => undefined)
  } finally {
    noticeDrift()
  }
}

/** Makes Bolna hold the numbers wanted: every step, in every mode but export; `mode` says what differs. */
async function reconcile(bolna: Bolna, settings: SingleNumberSettings | NumbersFileSettings, mode: Mode, secrets: Secrets): Promise<void> {
  const warnings: Warning[] = []
  let plan: Plan | undefined
  try {
    // Read: the numbers wanted, then every trunk they name, before any write.
    const desired = await mode.desired()
    const states = await readTrunks(bolna, desired, settings.concurrency)
    const actual = new Map([...states].map(([id, state]) => [id, state.numbers]))
    warnings.push(...healthWarnings(desired, states))

    // Plan, and guard: nothing is written unless the whole plan may be.
    plan = planChanges(desired, actual, mode.prune, settings.onNameChange)
    await mode.planned(plan)
    const tooMany = deleteLimitProblem(plan, settings.maxDeletes)
    if (tooMany) throw new Error(tooMany)
    await mode.guard(plan)
    if (settings.dryRun) {
      await mode.dryRun(plan)
      return failOnWarnings(warnings, settings)
    }

    // Apply, verify, report. Verifying never throws (a read that fails is one of its answers), so what
    // was written is always reported, naming the record kept where a duplicate was healed.
    const results = await applyPlan(bolna, plan, actual, applyOptions(settings, warnings))
    const unverified = await verifyApplied(bolna, results, { settleMs: settings.settleMs, clock: realClock, log: line => core.info(line) })
    await mode.applied(plan, results)
    await reportVerification(unverified, writtenTrunks(results), results.filter(r => r.status === 'failed').length)
    const problem = failuresProblem(results) ?? unverifiedProblem(unverified)
    if (problem) throw new Error(problem)
    failOnWarnings(warnings, settings)
  } catch (error) {
    await mode.failed(secrets.redact(messageOf(error)), plan)
    throw error
  } finally {
    await mode.warned(warnings)
  }
}

/** Export mode: a numbers file of what the trunks hold, which applied right away changes nothing but duplicate records. */
async function exportNumbers(bolna: Bolna, settings: ExportSettings): Promise<void> {
  const { path, shownAs } = await inWorkspace(settings.exportFile, 'export_file')
  const { refs, source } = await trunksToExport(bolna, settings)
  const trunks = await readForExport(bolna, refs, settings.concurrency)
  const exported = exportedFile(trunks, source, new Date())
  await writeExport(path, exported.text)
  await reportExport(exported.count, trunks.length, shownAs)
  // One bad trunk stops no other: the rest are written first.
  await reportWarnings(exported.leftOut)
  if (exported.unreadable.length > 0)
    throw new Error(`Exported the other trunks; these could not be read:\n${exported.unreadable.map(line => `  ${line}`).join('\n')}`)
  if (settings.failOnWarnings && onlyWarnings(exported.leftOut).length > 0)
    throw new Error(`${exported.leftOut.length} trunk(s) left out, and fail_on_warnings is true.`)
}

/** Reads every trunk the plan names, once each (numbers and settings); any failure stops the run before a write. */
async function readTrunks(bolna: Bolna, desired: DesiredState, concurrency: number): Promise<Map<string, TrunkState>> {
  const states = new Map<string, TrunkState>()
  await eachConcurrently(desired.trunks, concurrency, async ({ trunk }) => {
    states.set(trunk.id, await bolna.readTrunk(trunk))
  })
  return states
}

/** With fail_on_warnings, the warnings fail the step (after the work is done; they are said either way). */
function failOnWarnings(all: readonly Warning[], settings: SingleNumberSettings | NumbersFileSettings): void {
  const warnings = onlyWarnings(all)
  if (settings.failOnWarnings && warnings.length > 0) {
    throw new Error(`${warnings.length} warning(s), and fail_on_warnings is true:\n${warnings.map(w => `  ${w.message}`).join('\n')}`)
  }
}

function applyOptions(settings: SingleNumberSettings | NumbersFileSettings, warnings: Warning[]): ApplyOptions {
  return {
    concurrency: settings.concurrency,
    setAgentTelephony: settings.setAgentTelephony,
    log: line => core.info(line),
    warn: (trunkId, message) => warnings.push({ trunkId, message })
  }
}
