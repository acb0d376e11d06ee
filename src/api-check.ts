import * as core from '@actions/core'
import type { ConnectionSettings } from './bolna/connect.js'
import { listenForDrift } from './bolna/drift.js'
import type { Drift } from './bolna/drift.js'
import { HttpClient } from './bolna/http.js'
import type { TrunkRef } from './bolna/port.js'
import { actionInputs, InputError, readCommonSettings } from './inputs.js'
import type { InputReader } from './inputs.js'
import type { Secrets } from './secrets.js'
import { inWorkspace } from './workspace.js'

/** What `check_api: true` reads: the step's trunks (with their API) and at most one agent. */
export interface ApiCheckSettings {
  connection: ConnectionSettings
  trunks: TrunkRef[]
  agentId?: string
}

const DOCS = 'docs/api-check.md'

/**
 * With `check_api: true`, runs the check in place of the step's work and returns true; otherwise
 * returns false at once. The trunks are the file's (numbers_file), else trunk_id with trunk_api.
 */
export async function checkApiIfAsked(secrets: Secrets, readInput: InputReader = actionInputs, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  if (!['true', 'True', 'TRUE'].includes(readInput('check_api'))) return false
  const { read, common } = readCommonSettings(readInput, env)
  const numbersFile = read('numbers_file')
  let trunks: TrunkRef[]
  let agentId = read('agent_id') || undefined
  if (numbersFile) {
    const { path, shownAs } = await inWorkspace(numbersFile, 'numbers_file')
    const { readNumbersFile } = await import('./numbers-file.js')
    const file = await readNumbersFile(path, secrets, common.trunkApi)
    if (!file.ok) {
      const [first] = file.problems
      const where = first?.line ? ` (line ${first.line})` : ''
      throw new Error(`check_api: ${shownAs} has ${file.problems.length} problem(s), the first${where}: ${first?.message ?? 'unreadable'}`)
    }
    // A trunk listed twice is read once.
    trunks = [...new Map(file.desired.trunks.map(t => [`${t.trunk.api} ${t.trunk.id}`, t.trunk])).values()]
    agentId ??= file.desired.trunks.flatMap(t => t.numbers).find(n => typeof n.agentId === 'string')?.agentId ?? undefined
  } else {
    const trunkId = read('trunk_id')
    if (!trunkId) throw new InputError('Input "trunk_id" is required with check_api (or set "numbers_file" to check the trunks it lists).')
    trunks = [{ id: trunkId, api: common.trunkApi }]
  }
  await runApiCheck({ connection: common, trunks, ...(agentId && { agentId }) })
  return true
}

/**
 * `check_api: true`: the read-only contract check as the step (src/contract.ts), in place of the
 * run. The job summary gets the table; the step fails only when a read fails.
 */
export async function runApiCheck(settings: ApiCheckSettings): Promise<void> {
  const { connection } = settings
  // Loaded only for the check: a normal run's bundle start stays as it was.
  const { checkApi, checkMarkdown, checkText } = await import('./contract.js')
  const http = new HttpClient({ baseUrl: connection.apiBaseUrl, token: connection.token, timeoutMs: connection.timeoutMs, maxRetries: connection.maxRetries })
  const report = await checkApi(http, { trunks: settings.trunks, ...(settings.agentId !== undefined && { agentId: settings.agentId }) })
  core.info(checkText(report))
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(checkMarkdown(report)).write()
  if (report.differences.length > 0) {
    core.notice(
      `check_api: ${report.differences.length} difference(s) between Bolna's answers and the action's reading of its API (see the job summary). Please report them: ${DOCS}.`
    )
  }
  if (report.failed > 0) {
    const reasons = report.calls.filter(c => c.fields.length === 0 && c.status !== '404').map(c => c.notes[0])
    throw new Error(`check_api: ${report.failed} read(s) failed, so the check is incomplete: ${reasons[0] ?? 'see the job summary'}`)
  }
}

/**
 * Listens for drift in the shape of Bolna's answers during a normal run; the returned function
 * stops listening and gives one `::notice` naming each call and field met (at most 5), if any.
 */
export function watchForDrift(): () => void {
  const met = new Map<string, Drift>()
  const stop = listenForDrift(drift => {
    const key = `${drift.call} ${drift.field}`
    if (!met.has(key)) met.set(key, drift)
  })
  return () => {
    stop()
    if (met.size === 0) return
    const named = [...met.values()].slice(0, 5).map(d => `${d.call}: ${d.field} ${d.state}`)
    const more = met.size > 5 ? `; and ${met.size - 5} more` : ''
    core.notice(
      `Bolna's answers differ from the action's reading of its API (${named.join('; ')}${more}). The action failed on it or read the field as unknown. ` +
        `Run the step once with check_api: true to see every field Bolna sends, and report it (${DOCS}).`
    )
  }
}
