/** Writes what the step did: the log, the outputs, the job summary and file annotations. */
import * as core from '@actions/core'
import type { AgentStatus, ApplyResult } from './apply.js'
import { failed } from './apply.js'
import { TRUNK_APIS } from './bolna/port.js'
import type { TrunkNumber, TrunkRef } from './bolna/port.js'
import type { FileProblem } from './numbers-file.js'
import { Outputs, setOutputs } from './outputs.js'
import type { Difference, DesiredNumber, Plan } from './plan.js'
import { hasChanges } from './plan.js'
import { html, numberJson, planJson, planLines, planMarkdown, planTotals, resultsJson } from './render.js'
import { quote } from './text.js'

async function writeSummary(build: (summary: typeof core.summary) => void): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  build(core.summary)
  await core.summary.write()
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
  differences: readonly Difference[]
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
    [Outputs.Number]: number ? JSON.stringify(numberJson(number, trunk)) : '',
    [Outputs.AgentStatus]: report.agentStatus ?? '',
    [Outputs.HasChanges]: report.hasChanges
  })

  const where = `trunk ${quote(trunk.id)}`
  const spelled = TRUNK_APIS[trunk.api].spelling(want.e164, want.withPlus)
  for (const note of report.notes) core.info(`Note: ${note}.`)
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
      .addHeading('Bolna SIP trunk number', 3)
      .addTable([
        ['Trunk', 'API', 'Number', 'Name', 'Status', 'Number id', 'Agent'].map(data => ({ data, header: true })),
        [
          html(trunk.id),
          trunk.api,
          html(number?.stored ?? spelled),
          html(number?.name ?? want.name),
          report.status,
          html(number?.id ?? '—'),
          html(want.agentId ? `${want.agentId} (${report.agentStatus})` : '—')
        ]
      ])
  )
}

// ---- a numbers file: problems, plan and results ------------------------------

export function annotateProblems(file: string, problems: readonly FileProblem[]): void {
  for (const problem of problems) {
    core.error(problem.message, { title: 'Bolna numbers file', file, ...(problem.line !== undefined && { startLine: problem.line }) })
  }
}

export async function reportPlan(plan: Plan, file: string): Promise<void> {
  core.info([`Bolna numbers plan for ${quote(file)}`, ...planLines(plan), planTotals(plan)].join('\n'))
  setOutputs({
    [Outputs.Plan]: JSON.stringify(planJson(plan)),
    [Outputs.ToAdd]: plan.counts.add,
    [Outputs.ToRemove]: plan.counts.remove,
    [Outputs.Unchanged]: plan.counts.unchanged,
    [Outputs.HasChanges]: hasChanges(plan)
  })
  await writeSummary(summary => summary.addRaw(planMarkdown(plan, file), true))
}

export async function reportResults(results: readonly ApplyResult[]): Promise<void> {
  setOutputs({ [Outputs.Results]: JSON.stringify(resultsJson(results)) })
  const done = (status: string) => results.filter(r => r.status === status).length
  core.info(`Applied: ${done('created')} created, ${done('removed')} removed, ${done('exists')} already there, ${results.filter(failed).length} failed.`)
  await writeSummary(summary =>
    summary
      .addHeading('Applied', 4)
      .addTable([
        ['Trunk', 'Number', 'Status', 'Number id', 'Agent'].map(data => ({ data, header: true })),
        ...results.map(r => [
          html(r.trunk_id),
          html(r.phone_number),
          r.status,
          html(r.number_id ?? '—'),
          html(r.agent_id !== undefined ? `${r.agent_id ?? 'none'} (${r.agent_status})` : '—')
        ])
      ])
  )
}
