/** Writes what the step did: the log, the outputs, the job summary, files, and file annotations. */
import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as core from '@actions/core'
import type { AgentStatus, ApplyResult } from './apply.js'
import { failed } from './apply.js'
import { TRUNK_APIS } from './bolna/port.js'
import type { TrunkNumber, TrunkRef } from './bolna/port.js'
import type { FileProblem } from './numbers-file.js'
import { MAX_JSON_OUTPUT_BYTES, Outputs, setOutputs } from './outputs.js'
import type { Difference, DesiredNumber, Plan } from './plan.js'
import { hasChanges } from './plan.js'
import type { Unverified } from './apply.js'
import type { Warning } from './health.js'
import { onlyWarnings } from './health.js'
import { byteLength, cell, html, valueHtml, within, numberJson, planJson, planLines, planMarkdown, planTotals, resultsJson } from './render.js'
import { redact } from './secrets.js'
import { jsonText, quote, visibleLines } from './text.js'

/**
 * GitHub drops a step's whole summary past 1 MiB (UTF-8 bytes): the sections share less, each
 * with a budget of its own (tables stop at theirs and say where the rest is), and a section that
 * would still pass what is left is replaced by a line saying so.
 */
const SUMMARY_MAX_BYTES = 1_000_000
const SECTION_MAX_BYTES = { plan: 400_000, results: 400_000, warnings: 100_000 }
let summaryBytes = 0

async function writeSummary(build: (summary: typeof core.summary) => void): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  build(core.summary)
  let text = redact(core.summary.stringify())
  if (summaryBytes + byteLength(text) > SUMMARY_MAX_BYTES) {
    text = `\n**A part of this summary (${byteLength(text)} bytes) is left out: it would pass GitHub's 1 MiB limit. The step's outputs and plan_file or results_file hold it all.**\n`
  }
  if (summaryBytes + byteLength(text) > SUMMARY_MAX_BYTES) return void core.summary.emptyBuffer()
  summaryBytes += byteLength(text)
  await core.summary.emptyBuffer().addRaw(text).write()
}

/**
 * HTML table rows (cells of text already escaped, made by `row`) that fit in `maxBytes`, and a line
 * saying how many more there are. Rows are made for the first MAX_SUMMARY_ROWS items only: a table
 * never shows more, and 50,000 results would otherwise be rendered to show a thousand.
 */
function tableRows<T>(items: readonly T[], row: (item: T) => string[], maxBytes: number, more: string): { rows: string[][]; after: string } {
  const rows = items.slice(0, MAX_SUMMARY_ROWS).map(row)
  const sized = rows.map(cells => cells.join('<td></td>'))
  const { shown } = within(sized, maxBytes, MAX_SUMMARY_ROWS)
  const cut = items.length - shown.length
  return { rows: rows.slice(0, shown.length), after: cut > 0 ? `\n…and ${cut} more ${more}.\n` : '' }
}

// ---- one number ------------------------------------------------------------

export type NumberStatus = 'created' | 'exists' | 'planned' | 'failed'

export interface NumberReport {
  trunk: TrunkRef
  want: DesiredNumber
  status: NumberStatus
  /** The record Bolna holds; undefined for a planned or failed add. */
  number?: TrunkNumber
  agentStatus?: AgentStatus | 'planned'
  telephonyStatus?: 'switched' | 'unchanged' | 'failed'
  differences: readonly Difference[]
  /** Inputs the trunk's API does not use: one notice each. */
  notes: readonly string[]
  hasChanges: boolean
}

export async function reportNumber(report: NumberReport): Promise<void> {
  const { number, trunk, want } = report
  setOutputs({
    [Outputs.NumberId]: number?.id ?? '',
    [Outputs.Status]: report.status,
    [Outputs.PhoneNumber]: number?.stored ?? TRUNK_APIS[trunk.api].spelling(want.e164, want.withPlus),
    [Outputs.TrunkId]: trunk.id,
    [Outputs.Number]: number ? jsonText(withinOutput(numberJson(number, trunk))) : '',
    [Outputs.AgentStatus]: report.agentStatus ?? '',
    [Outputs.TelephonyStatus]: report.telephonyStatus ?? '',
    [Outputs.HasChanges]: report.hasChanges
  })

  const where = `trunk ${quote(trunk.id)}`
  const spelled = TRUNK_APIS[trunk.api].spelling(want.e164, want.withPlus)
  for (const note of report.notes) core.notice(note, { title: 'Input not used' })
  if (report.status === 'planned') {
    const agent = want.agentId ? ` and map it to agent ${quote(want.agentId)}` : ''
    core.info(`Dry run: would add ${quote(spelled)} to ${where}${agent}.`)
  } else if (report.status === 'exists') {
    const idle = report.agentStatus === undefined || report.agentStatus === 'unchanged'
    const planned = report.agentStatus === 'planned' ? ` Dry run: would set its agent to ${quote(want.agentId)}.` : ''
    core.info(`${quote(number?.stored)} is already on ${where} (id ${quote(number?.id)})${idle ? '; nothing to do' : ''}.${planned}`)
  }
  for (const d of report.differences) {
    const has = d.field === 'name' ? `is named ${quote(d.bolna)}` : `has destination_key ${quote(d.bolna)}`
    const fix = d.field === 'name' ? 'Bolna has no rename endpoint' : 'no endpoint changes it'
    core.warning(`The number on ${where} ${has}, not ${quote(d.file)}. ${fix}: remove and re-add the number to change it.`)
  }
  await writeSummary(summary =>
    summary
      .addHeading('Bolna numbers: one number', 3)
      .addTable([
        ['Trunk', 'API', 'Number', 'Name', 'Status', 'Number id', 'Agent'].map(data => ({ data, header: true })),
        [
          valueHtml(trunk.id),
          trunk.api,
          valueHtml(number?.stored ?? spelled),
          valueHtml(number?.name ?? want.name),
          report.status,
          valueHtml(number?.id ?? '—'),
          want.agentId ? `${valueHtml(want.agentId)} (${report.agentStatus})` : '—'
        ]
      ])
  )
}

// ---- a numbers file: problems, plan and results ------------------------------

/**
 * The file's problems as annotations on their lines: the first 50, then one that counts the
 * rest (a file of 100,000 bad entries must not print 100,000 annotations; GitHub shows only
 * the first few per step anyway). The step's failure message gives the total.
 */
export function annotateProblems(file: string, problems: readonly FileProblem[]): void {
  const shown = 50
  const title = 'Bolna numbers file'
  for (const problem of problems.slice(0, shown)) {
    core.error(visibleLines(problem.message), { title, file, ...(problem.line !== undefined && { startLine: problem.line }) })
  }
  const more = problems.length - shown
  if (more > 0) core.error(`…and ${more} more problem${more === 1 ? '' : 's'}, not annotated: fix these and run again to see them`, { title, file })
}

/** Rows of a table in the job summary (a step's summary is cut by the runner past 1 MiB). */
const MAX_SUMMARY_ROWS = 1_000

/** A file under RUNNER_TEMP for this step, for actions/upload-artifact; its path is an output. */
async function writeRunFile(kind: 'plan' | 'results', value: unknown): Promise<string> {
  const step = (process.env.GITHUB_ACTION ?? 'step').replace(/[^\w.-]+/g, '_')
  const path = join(process.env.RUNNER_TEMP || tmpdir(), `bolna-numbers-${kind}-${step}.json`)
  await writeFile(path, redact(`${jsonText(value, 2)}\n`))
  return path
}

/** The first items whose JSON fits in the output limit (in bytes), and how many were cut. */
function fitting<T>(items: readonly T[]): { shown: T[]; cut: number } {
  let size = 2
  let count = 0
  for (const item of items) {
    size += byteLength(jsonText(item)) + 1
    if (size > MAX_JSON_OUTPUT_BYTES) break
    count++
  }
  return { shown: items.slice(0, count), cut: items.length - count }
}

/** An object for an output: a string field too long for the output limit (a 3 MiB name) is cut, ending in "…", and named in `cut`. */
function withinOutput(value: object): object {
  if (byteLength(jsonText(value)) <= MAX_JSON_OUTPUT_BYTES) return value
  const cut: string[] = []
  const fields = Object.entries(value).map(([key, field]) => {
    if (typeof field !== 'string' || field.length <= 1024) return [key, field]
    cut.push(key)
    return [key, `${field.slice(0, 1024)}…`]
  })
  return { ...Object.fromEntries(fields), cut }
}

export async function reportPlan(plan: Plan, file: string, dryRun: boolean): Promise<void> {
  core.info([`Bolna numbers: plan for ${quote(file)}`, ...planLines(plan), planTotals(plan)].join('\n'))
  const json = planJson(plan) as { changes: object[] }
  const { shown, cut } = fitting(json.changes)
  const planFile = await writeRunFile('plan', json)
  if (cut)
    core.info(`The plan output lists the first ${shown.length} of ${json.changes.length} changes; all of them are in ${planFile} (the plan_file output).`)
  setOutputs({
    [Outputs.Plan]: jsonText(cut ? { ...json, changes: shown, changes_cut: cut } : json),
    [Outputs.PlanFile]: planFile,
    [Outputs.ToAdd]: plan.counts.add,
    [Outputs.ToRemove]: plan.counts.remove + plan.counts.replace,
    [Outputs.Unchanged]: plan.counts.unchanged,
    [Outputs.HasChanges]: hasChanges(plan)
  })
  await writeSummary(summary => {
    summary.addRaw(planMarkdown(plan, file, MAX_SUMMARY_ROWS, SECTION_MAX_BYTES.plan), true)
    if (dryRun) summary.addRaw('\n**Dry run: nothing was changed.**\n', true)
  })
}

/** What the apply did (verified by then: the results name the records kept where duplicates were healed). */
export async function reportResults(results: readonly ApplyResult[]): Promise<void> {
  const json = resultsJson(results)
  const { shown, cut } = fitting(json)
  const resultsFile = await writeRunFile('results', json)
  if (cut)
    core.info(`The results output lists the first ${shown.length} of ${json.length} entries; all of them are in ${resultsFile} (the results_file output).`)
  const count = (status: ApplyResult['status']) => results.filter(r => r.status === status).length
  const partly = results.filter(r => r.status !== 'failed' && failed(r)).length
  setOutputs({
    [Outputs.Results]: jsonText(shown),
    [Outputs.ResultsFile]: resultsFile,
    [Outputs.Created]: count('created') + count('replaced'),
    [Outputs.Removed]: count('removed'),
    [Outputs.Failed]: results.filter(failed).length
  })
  // Each entry is counted once, by its status; a mapping or switch that failed is said after.
  const renamed = count('replaced') ? `, ${count('replaced')} renamed` : ''
  const mappings = partly ? `; of those, ${partly} with a failed agent mapping or telephony switch` : ''
  core.info(
    `Applied: ${count('created')} created${renamed}, ${count('removed')} removed, ${count('exists')} already there, ${count('failed')} failed${mappings}.`
  )
  await writeSummary(summary => {
    const table = tableRows(
      results,
      r => [
        valueHtml(r.trunk_id),
        valueHtml(r.phone_number),
        valueHtml(r.name ?? ''),
        r.status,
        valueHtml(r.number_id ?? '—'),
        r.agent_id !== undefined ? `${r.agent_id === null ? 'none' : valueHtml(r.agent_id)} (${r.agent_status})` : '—',
        html(r.error ?? '')
      ],
      SECTION_MAX_BYTES.results,
      'entries: see the results_file output'
    )
    summary
      .addHeading('Applied', 4)
      .addTable([['Trunk', 'Number', 'Name', 'Status', 'Number id', 'Agent', 'Error'].map(data => ({ data, header: true })), ...table.rows])
    if (table.after) summary.addRaw(table.after, true)
  })
}

/** What reading the written trunks again showed: verified, or what each trunk did not show (in every mode); `failed` counts the apply's failed changes. */
export async function reportVerification(unverified: readonly Unverified[], written: number, failed: number): Promise<void> {
  if (written === 0 && failed === 0) {
    // A no-op apply: there is nothing to verify, and it says so rather than "0 trunk(s) written".
    const line = 'Nothing was written: Bolna already holds every number as wanted.'
    core.info(line)
    return writeSummary(summary => summary.addRaw(`\n${line}\n`, true))
  }
  if (written === 0) return
  const verified = unverified.length === 0 ? `Verified: ${written} trunk(s) written were read again and show the result.` : undefined
  if (verified) core.info(verified)
  await writeSummary(summary => {
    if (verified) summary.addRaw(`\n${verified}\n`, true)
    for (const trunk of unverified) {
      summary.addRaw(
        `\nNot verified: trunk ${valueHtml(trunk.trunkId)} did not show the result within settle_seconds: ${html(trunk.missing.slice(0, 10).join('; '))}\n`,
        true
      )
    }
  })
}

/** The job summary of a step that failed: the reason, and the numbers file's problems if any. */
export async function reportFailure(reason: string, problems: readonly FileProblem[] = []): Promise<void> {
  await writeSummary(summary => {
    summary.addHeading('Bolna numbers: failed', 3).addRaw(`\n${cell(reason)}\n`, true)
    if (problems.length > 0) {
      summary.addList(problems.slice(0, 50).map(p => html(`${p.line !== undefined ? `line ${p.line}: ` : ''}${p.message}`)))
      if (problems.length > 50) summary.addRaw(`\n…and ${problems.length - 50} more problems.\n`, true)
    }
  })
}

/**
 * Warnings and notices: in file mode an annotation on the trunk's line of the file, else a plain
 * workflow command; a table of each in the job summary; and the `warnings` output (how many
 * warnings: notices are not counted).
 */
export async function reportWarnings(warnings: readonly Warning[], file?: { shownAs: string; lineOf: (trunkId: string) => number | undefined }): Promise<void> {
  const proper = onlyWarnings(warnings)
  setOutputs({ [Outputs.Warnings]: proper.length })
  if (warnings.length === 0) return
  for (const w of warnings) {
    const line = file?.lineOf(w.trunkId)
    const where = file ? { title: 'Bolna trunk', file: file.shownAs, ...(line !== undefined && { startLine: line }) } : { title: 'Bolna trunk' }
    if (w.level === 'notice') core.notice(visibleLines(w.message), where)
    else core.warning(visibleLines(w.message), where)
  }
  const notices = warnings.filter(w => w.level === 'notice')
  await writeSummary(summary => {
    for (const [heading, rows] of [
      ['Warnings', proper],
      ['Notices', notices]
    ] as const) {
      if (rows.length === 0) continue
      const table = tableRows(rows, w => [valueHtml(w.trunkId), html(w.message)], SECTION_MAX_BYTES.warnings / 2, `${heading.toLowerCase()}: see the log`)
      summary.addHeading(heading, 4).addTable([['Trunk', heading.slice(0, -1)].map(data => ({ data, header: true })), ...table.rows])
      if (table.after) summary.addRaw(table.after, true)
    }
  })
}

export async function reportExport(count: number, trunks: number, shownAs: string): Promise<void> {
  setOutputs({ [Outputs.Exported]: count })
  const line = `Exported ${count} number(s) from ${trunks} trunk(s) to ${quote(shownAs)}.`
  core.info(line)
  await writeSummary(summary => summary.addHeading('Bolna numbers: export', 3).addRaw(`\n${html(line)}\n`, true))
}
