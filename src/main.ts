import { realpath } from 'node:fs/promises'
import { isAbsolute, relative, resolve, sep } from 'node:path'
import * as core from '@actions/core'
import { applyPlan, eachConcurrently, ensureNumber, messageOf, switchAgentsToSipTrunk, wireAgent } from './apply.js'
import type { AgentStatus } from './apply.js'
import type { PhoneNumberRecord, TrunkNumbersApi } from './bolna/api.js'
import { HttpClient, realSleep } from './bolna/http.js'
import { RateLimiter } from './bolna/rate-limiter.js'
import { SipTrunksApi } from './bolna/sip-trunks.js'
import { readSettings, secretInputs } from './inputs.js'
import type { NumbersFileSettings, Settings, SingleNumberSettings } from './inputs.js'
import { digitsOf } from './phone.js'
import { agentChange, deleteLimitProblem, findNumber, hasChanges, planChanges } from './plan.js'
import type { DesiredNumber, DesiredState } from './plan.js'
import { annotateProblems, failed, planMarkdown, reportNumber, reportPlan, reportResults } from './report.js'
import { quote } from './text.js'

/** About 100 characters a row: the comment stays well under GitHub's 65,536. */
const PR_COMMENT_MAX_ROWS = 300

/** The step: read the inputs, then add one number or bring a numbers file's trunks in line. */
export async function run(): Promise<void> {
  const secrets = secretInputs()
  try {
    const settings = readSettings()
    const bolna = connectToBolna(settings)
    if (settings.mode === 'single') await addOneNumber(bolna, settings)
    else await syncNumbersFile(bolna, settings)
  } catch (error) {
    core.setFailed(redact(messageOf(error), secrets))
  }
}

function connectToBolna(settings: Settings): TrunkNumbersApi {
  const http = new HttpClient({
    baseUrl: settings.apiBaseUrl,
    token: settings.token,
    timeoutMs: settings.timeoutMs,
    maxRetries: settings.maxRetries,
    limiter: new RateLimiter(settings.requestsPerMinute, realSleep),
    // One line per request only when step debug is on: a thousand-number apply stays quiet.
    debug: core.isDebug() ? line => core.debug(line) : undefined
  })
  return new SipTrunksApi(http)
}

/** Single mode: look, add when missing (exactly once), then map the agent if asked. */
async function addOneNumber(bolna: TrunkNumbersApi, settings: SingleNumberSettings): Promise<void> {
  const { trunkId, phoneNumber, name, agentId } = settings
  const want: DesiredNumber = { phoneNumber, digits: digitsOf(phoneNumber), name, e164CheckEnabled: settings.e164CheckEnabled, agentId }
  const listed = await bolna.listNumbers(trunkId)
  const existing = findNumber(listed, want.digits)
  const report = { trunkId, phoneNumber, name, agentId }

  if (existing && settings.ifExists === 'fail') {
    await reportNumber({ ...report, status: 'exists', record: existing })
    throw new Error(`${quote(existing.phone_number)} is already on trunk ${quote(trunkId)} (id ${quote(existing.id)}) and if_exists is "fail".`)
  }
  if (settings.dryRun) {
    const agentStatus = agentId ? (existing && !agentChange(agentId, existing) ? 'unchanged' : 'planned') : undefined
    return reportNumber({ ...report, status: existing ? 'exists' : 'planned', record: existing, agentStatus })
  }

  const { status, record } = await ensureNumber(bolna, trunkId, want, settings, listed)
  if (!agentId) return reportNumber({ ...report, status, record })
  const number = `${quote(record.phone_number)} ${status === 'created' ? 'was added to' : 'is on'} trunk ${quote(trunkId)} (id ${quote(record.id)})`

  let agentStatus: AgentStatus
  try {
    agentStatus = await wireAgent(bolna, record, agentId, settings)
  } catch (error) {
    await reportNumber({ ...report, status, record, agentStatus: 'failed' })
    throw new Error(`${number}, but mapping it to agent ${quote(agentId)} failed: ${messageOf(error)}`)
  }
  if (agentStatus === 'mapped' && record.agent_id) core.info(`Moved ${quote(record.phone_number)} from agent ${quote(record.agent_id)} to ${quote(agentId)}.`)
  await reportNumber({ ...report, status, record, agentStatus })

  if (settings.setAgentTelephony && agentStatus === 'mapped') {
    const failure = (await switchAgentsToSipTrunk(bolna, [agentId], 1)).get(agentId)
    if (failure) throw new Error(`${number} and mapped to agent ${quote(agentId)}, but ${failure}`)
  }
}

/** File mode: check the whole file, plan against every listed trunk, then apply unless dry_run. */
async function syncNumbersFile(bolna: TrunkNumbersApi, settings: NumbersFileSettings): Promise<void> {
  const { readNumbersFile } = await import('./numbers-file.js')
  const { path, shownAs } = await inWorkspace(settings.numbersFile)
  const file = await readNumbersFile(path, settings.token)
  if (!file.ok) {
    annotateProblems(shownAs, file.problems)
    throw new Error(`${shownAs} has ${file.problems.length} problem(s), annotated above; nothing was changed.`)
  }

  const actual = await listTrunks(bolna, file.desired, settings.concurrency)
  const plan = planChanges(file.desired, actual, settings.prune)
  await reportPlan(plan, shownAs)
  if (settings.prComment) {
    const { commentPlan } = await import('./pr-comment.js')
    await commentPlan(planMarkdown(plan, shownAs, PR_COMMENT_MAX_ROWS), shownAs, settings.githubToken)
  }
  const tooManyDeletes = deleteLimitProblem(plan, settings.maxDeletes)
  if (tooManyDeletes) throw new Error(tooManyDeletes)
  if (settings.dryRun) {
    if (settings.failOnDrift && hasChanges(plan)) throw new Error('Drift: Bolna does not match the numbers file (see the plan above).')
    return
  }

  const results = await applyPlan(bolna, plan, actual, settings.concurrency, settings)
  await reportResults(results)
  const failures = results.filter(failed)
  if (failures.length > 0) {
    const lines = failures.map(r => `  ${quote(r.phone_number)} on trunk ${quote(r.trunk_id)}: ${r.error}`)
    throw new Error(`${failures.length} of ${results.length} entries failed; the rest were applied:\n${lines.join('\n')}`)
  }
}

/** Lists every trunk the file names, once each; any failure stops the run before a write. */
async function listTrunks(bolna: TrunkNumbersApi, desired: DesiredState, concurrency: number) {
  const actual = new Map<string, PhoneNumberRecord[]>()
  await eachConcurrently(desired.trunks, concurrency, async trunk => {
    actual.set(trunk.trunkId, await bolna.listNumbers(trunk.trunkId))
  })
  return actual
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

function redact(message: string, secrets: readonly string[]): string {
  return secrets.filter(s => s.length >= 4).reduce((text, secret) => text.split(secret).join('***'), message)
}
