import * as core from '@actions/core'
import type { PhoneNumberRecord } from './bolna/api.js'
import type { AgentStatus, ApplyResult } from './apply.js'
import type { FileProblem } from './numbers-file.js'
import { nameDiffers } from './plan.js'
import { quote } from './text.js'
import type { Change, Plan } from './plan.js'

/** A value safe inside an HTML table cell (core.summary.addTable does not escape). */
function html(value: string | null | undefined): string {
  return (value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\r\n]+/g, ' ')
}

/**
 * A value safe inside a Markdown table cell of a summary or PR comment: no HTML, no
 * links or images, no emphasis, and no @mention of anyone.
 */
function cell(value: string | null | undefined): string {
  return html(value)
    .replace(/[\\|[\]()!*_`~]/g, '\\$&')
    .replace(/@/g, '&#64;')
}

async function writeSummary(build: (summary: typeof core.summary) => void): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  build(core.summary)
  await core.summary.write()
}

// ---- one number ------------------------------------------------------------

export type NumberStatus = 'created' | 'exists' | 'planned'

export interface NumberReport {
  trunkId: string
  status: NumberStatus
  /** The record Bolna holds; undefined for a planned add. */
  record?: PhoneNumberRecord
  phoneNumber: string
  name?: string
  agentId?: string
  agentStatus?: AgentStatus | 'planned' | 'failed'
}

export async function reportNumber(report: NumberReport): Promise<void> {
  const { record } = report
  core.setOutput('number_id', record?.id ?? '')
  core.setOutput('status', report.status)
  core.setOutput('phone_number', record?.phone_number ?? report.phoneNumber)
  core.setOutput('trunk_id', report.trunkId)
  core.setOutput('number', record ? JSON.stringify(record) : '')
  core.setOutput('agent_status', report.agentStatus ?? '')

  const where = `trunk ${quote(report.trunkId)}`
  const lines: Record<NumberStatus, string> = {
    created: `Added ${quote(record?.phone_number)} to ${where} (id ${quote(record?.id)}).`,
    exists: `${quote(record?.phone_number)} is already on ${where} (id ${quote(record?.id)}); nothing to do.`,
    planned: `Dry run: would add ${quote(report.phoneNumber)} to ${where}.`
  }
  core.info(lines[report.status])
  if (record && nameDiffers(report.name, record)) {
    core.warning(
      `The number on ${where} is named ${quote(record.name)}, not ${quote(report.name)}. Bolna has no rename endpoint: remove and re-add the number to change its name.`
    )
  }
  await writeSummary(summary =>
    summary.addHeading('Bolna SIP trunk number', 3).addTable([
      [
        { data: 'Trunk', header: true },
        { data: 'Number', header: true },
        { data: 'Name', header: true },
        { data: 'Status', header: true },
        { data: 'Number id', header: true },
        { data: 'Agent', header: true }
      ],
      [
        html(report.trunkId),
        html(record?.phone_number ?? report.phoneNumber),
        html(record?.name ?? report.name),
        report.status,
        html(record?.id ?? '—'),
        html(report.agentId ? `${report.agentId} (${report.agentStatus})` : '—')
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

/** The plan as the `plan` output carries it. */
function planJson(plan: Plan): object {
  const c = plan.counts
  return {
    counts: { add: c.add, remove: c.remove, unchanged: c.unchanged, name_differs: c.nameDiffers, agent_changes: c.agentChanges, left_alone: c.leftAlone },
    changes: plan.changes.map(change => {
      if (change.action === 'remove' || change.action === 'leave') {
        return { action: change.action, trunk_id: change.trunkId, phone_number: change.record.phone_number, number_id: change.record.id, why: change.why }
      }
      const record = change.action === 'keep' ? change.record : undefined
      return {
        action: change.action,
        trunk_id: change.trunkId,
        phone_number: change.want.phoneNumber,
        number_id: record?.id ?? null,
        name: change.want.name ?? null,
        ...(record && nameDiffers(change.want.name, record) && { name_in_bolna: record.name ?? null }),
        ...(change.want.agentId && { agent_id: change.want.agentId, agent_change: change.agent ?? null })
      }
    })
  }
}

/** One line per change, like `terraform plan`: + add, - remove, ~ differs. */
function planLines(plan: Plan): string[] {
  const lines: string[] = []
  let trunk: string | undefined
  for (const change of plan.changes) {
    const line = changeLine(change)
    if (!line) continue
    if (change.trunkId !== trunk) {
      trunk = change.trunkId
      lines.push(`trunk ${quote(trunk)}`)
    }
    lines.push(`  ${line}`)
  }
  return lines
}

function changeLine(change: Change): string | undefined {
  const agent = 'agent' in change && change.agent ? ` agent ${change.agent.from ? `${quote(change.agent.from)} -> ` : ''}${quote(change.agent.to)}` : ''
  switch (change.action) {
    case 'add':
      return `+ ${quote(change.want.phoneNumber)}${change.want.name !== undefined ? ` name ${quote(change.want.name)}` : ''}${agent}`
    case 'remove':
      return `- ${quote(change.record.phone_number)} (id ${quote(change.record.id)}, ${change.why})`
    case 'leave':
      return `= ${quote(change.record.phone_number)} (id ${quote(change.record.id)}, ${change.why})`
    case 'keep': {
      const differs = nameDiffers(change.want.name, change.record)
      if (!differs && !agent) return undefined
      const name = differs ? ` name in Bolna ${quote(change.record.name)}, file says ${quote(change.want.name)} (not renamed: no rename endpoint)` : ''
      return `~ ${quote(change.record.phone_number)}${name}${agent}`
    }
  }
}

function planTotals(plan: Plan): string {
  const c = plan.counts
  const extras = [
    c.agentChanges && `${c.agentChanges} agent mapping(s) to change`,
    c.nameDiffers && `${c.nameDiffers} name(s) differ`,
    c.leftAlone && `${c.leftAlone} unlisted left alone`
  ].filter(Boolean)
  return `Plan: ${c.add} to add, ${c.remove} to remove, ${c.unchanged} unchanged${extras.length ? ` (${extras.join(', ')})` : ''}.`
}

/**
 * The plan as Markdown, for the job summary and the PR comment. A PR comment holds at most
 * 65,536 characters, so it shows the first `maxRows` changes and says where the rest are.
 */
export function planMarkdown(plan: Plan, file: string, maxRows = Number.POSITIVE_INFINITY): string {
  const rows = plan.changes.flatMap(change => {
    const line = changeLine(change)
    return line ? [`| ${cell(change.trunkId)} | \`${line.slice(0, 1)}\` | ${cell(line.slice(2))} |`] : []
  })
  const shown = rows.slice(0, maxRows)
  if (rows.length > shown.length) shown.push(`| | | …and ${rows.length - shown.length} more: see the job summary or the \`plan\` output |`)
  const table = rows.length ? ['| Trunk | | Change |', '| --- | --- | --- |', ...shown].join('\n') : '_No changes: Bolna matches the file._'
  const body = rows.length > 20 ? `<details><summary>${rows.length} changes</summary>\n\n${table}\n\n</details>` : table
  return `### Bolna numbers plan for \`${file.replace(/`/g, "'")}\`\n\n**${planTotals(plan)}**\n\n${body}\n`
}

export async function reportPlan(plan: Plan, file: string): Promise<void> {
  core.info([`Bolna numbers plan for ${quote(file)}`, ...planLines(plan), planTotals(plan)].join('\n'))
  core.setOutput('plan', JSON.stringify(planJson(plan)))
  core.setOutput('to_add', plan.counts.add)
  core.setOutput('to_remove', plan.counts.remove)
  core.setOutput('unchanged', plan.counts.unchanged)
  await writeSummary(summary => summary.addRaw(planMarkdown(plan, file), true))
}

export async function reportResults(results: readonly ApplyResult[]): Promise<void> {
  core.setOutput('results', JSON.stringify(results))
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
          html(r.agent_id ? `${r.agent_id} (${r.agent_status})` : '—')
        ])
      ])
  )
}

export function failed(result: ApplyResult): boolean {
  return result.status === 'failed' || result.agent_status === 'failed' || result.telephony_status === 'failed'
}
