/**
 * Export: a numbers file of what Bolna holds, to adopt the numbers a team already has. Applying
 * it right away plans no change, except the removal of duplicate records of one number. It holds
 * only what the numbers file's rules accept: a value they would refuse is left out, with a comment
 * saying why, in a way that plans no change; and it is written only inside the workspace, through
 * real folders, never through a link.
 */
import { randomBytes } from 'node:crypto'
import { lstat, mkdir, open, rename, rm } from 'node:fs/promises'
import { basename, dirname, join, relative, sep } from 'node:path'
import type { Bolna, TrunkApi, TrunkNumber, TrunkRef } from './bolna/port.js'
import { TRUNK_APIS } from './bolna/port.js'
import { eachConcurrently } from './concurrency.js'
import type { Warning } from './health.js'
import { fieldProblem } from './numbers-file.js'
import { parsePhoneNumber } from './phone.js'
import { olderFirst } from './plan.js'
import { holdsSecret, redact } from './secrets.js'
import { messageOf, quote, visibleLines } from './text.js'

export interface ExportedTrunk {
  trunk: TrunkRef
  numbers: readonly TrunkNumber[]
  /** Why the trunk could not be read; it is left out. */
  unreadable?: string
}

export interface Exported {
  text: string
  /** How many numbers the file lists. */
  count: number
  /** Trunks left out because the file's rules refuse their id: warnings. */
  leftOut: Warning[]
  /** The trunks that could not be read, one line each (the step fails, after writing the others). */
  unreadable: string[]
}

/** A value as YAML reads it back exactly: a double-quoted scalar (JSON's escapes are YAML's). */
const scalar = (value: string) => JSON.stringify(value)

const SECRET = 'holds a secret (the Bolna API key or the GitHub token)'

/** Why the file would refuse this value, or undefined. */
function problemOf(field: Parameters<typeof fieldProblem>[0], value: string): string | undefined {
  return holdsSecret(value) ? SECRET : fieldProblem(field, value)
}

/** A reason from the API on one comment line. */
const oneLine = (text: string) => visibleLines(text.replace(/\s+/g, ' '), 300)

/**
 * The trunks an export reads, and how its header names them: those named by trunk_id, else every
 * trunk of the chosen APIs the key can see, one API after the other (the order the file lists them in).
 */
export async function trunksToExport(
  bolna: Bolna,
  wanted: { trunkApi: TrunkApi; apis: readonly TrunkApi[]; trunkIds?: readonly string[] }
): Promise<{ refs: TrunkRef[]; source: string }> {
  const { trunkApi, apis, trunkIds } = wanted
  if (trunkIds) return { refs: trunkIds.map(id => ({ id, api: trunkApi })), source: `trunk_api ${trunkApi}, trunk_id ${trunkIds.join(', ')}` }
  const refs: TrunkRef[] = []
  for (const api of apis) for (const id of await bolna.listTrunks(api)) refs.push({ id, api })
  const every = apis.length > 1 ? 'every trunk of both APIs (trunk_api all)' : `every trunk of trunk_api ${trunkApi}`
  return { refs, source: `${every} the key can see` }
}

/**
 * Reads each trunk, `concurrency` at a time. A trunk whose id the file would refuse is not read
 * (it is left out); one that cannot be read keeps why; neither stops the others.
 */
export async function readForExport(bolna: Bolna, trunks: readonly TrunkRef[], concurrency: number): Promise<ExportedTrunk[]> {
  const entries: ExportedTrunk[] = trunks.map(trunk => ({ trunk, numbers: [] }))
  await eachConcurrently(entries, concurrency, async entry => {
    if (problemOf('trunk_id', entry.trunk.id)) return
    try {
      entry.numbers = (await bolna.readTrunk(entry.trunk)).numbers
    } catch (error) {
      entry.unreadable = messageOf(error)
    }
  })
  return entries
}

/**
 * The numbers file for these trunks. A number is written as Bolna stores it, with its name, its
 * agent where Bolna shows one, and (`/trunk`) its destination key. What a numbers file cannot
 * hold is written as a comment saying why: a second record of a number, a number already listed
 * on another trunk, a stored string that is no valid number, a value the file's rules refuse (a
 * name or an agent is left out of its entry; a destination key takes its number out, as the file
 * without it would plan a change), a trunk whose id they refuse or that could not be read.
 */
export function exportedFile(trunks: readonly ExportedTrunk[], source: string, at: Date): Exported {
  const lines = [
    `# Exported from Bolna by the bolna-sip-trunk-number action on ${at.toISOString()} (${oneLine(source)}).`,
    '# The numbers as Bolna holds them: applying this file right away changes nothing, except that duplicate records of one number are removed.',
    'version: 1',
    'trunks:'
  ]
  const leftOut: Warning[] = []
  const unreadable: string[] = []
  /** Each number listed (or left out) first, and its trunk's id. */
  const seen = new Map<string, { trunkId: string; listed: boolean }>()
  let count = 0
  for (const { trunk, numbers, unreadable: why } of trunks) {
    const refused = problemOf('trunk_id', trunk.id)
    if (refused || why !== undefined) {
      const reason = refused ? `its id ${refused}` : `it could not be read: ${oneLine(why ?? '')}`
      lines.push(`  # trunk ${quote(trunk.id)} is left out: ${reason}`)
      if (refused) leftOut.push({ trunkId: trunk.id, message: `Trunk ${quote(trunk.id)} is left out of the export: ${reason}.` })
      else unreadable.push(`trunk ${quote(trunk.id)}: ${oneLine(why ?? '')}`)
      continue
    }
    const entries: string[] = []
    let listed = 0
    // Of a number's records, the one an apply of this file keeps comes first: one an agent answers, then the oldest.
    const answered = (n: TrunkNumber) => (n.agent.kind === 'agent' ? 0 : 1)
    const keptFirst = [...numbers].sort((a, b) => answered(a) - answered(b) || olderFirst(a, b))
    const records = Map.groupBy(numbers, n => n.e164)
    for (const number of keptFirst) {
      const skip = (reason: string) => entries.push(`      # ${quote(number.stored)} (id ${quote(number.id)}) is left out: ${reason}`)
      const parsed = parsePhoneNumber(number.stored.trim())
      if ('problem' in parsed) {
        skip(`as stored, it ${parsed.problem.split(':')[0]}`)
        continue
      }
      const first = seen.get(number.e164)
      if (first !== undefined) {
        const where = first.trunkId === trunk.id ? 'a second record of a number' : `already on trunk ${quote(first.trunkId)}`
        skip(`${where} ${first.listed ? 'listed' : 'left out'} above`)
        continue
      }
      const traits = TRUNK_APIS[trunk.api]
      const key = traits.destinationKey && number.destinationKey !== null ? number.destinationKey : undefined
      const keyProblem = holdsSecret(number.stored) ? `the number ${SECRET}` : key !== undefined && problemOf('destination_key', key)
      // Without its agent, an apply keeps the oldest of several records, not this one: the number is left out whole.
      const agentProblem = number.agent.kind === 'agent' && (records.get(number.e164)?.length ?? 0) > 1 && problemOf('agent_id', number.agent.id)
      seen.set(number.e164, { trunkId: trunk.id, listed: !keyProblem && !agentProblem })
      if (keyProblem) {
        skip(keyProblem === SECRET ? `its destination_key ${SECRET}` : `its destination_key ${quote(key)} ${keyProblem}`)
        continue
      }
      if (agentProblem) {
        skip(`it has several records, and the agent_id of this one ${agentProblem}`)
        continue
      }
      listed++
      const stored = number.stored.trim()
      entries.push(`      - phone_number: ${scalar(stored)}`)
      const field = (name: 'name' | 'agent_id', value: string) => {
        const problem = problemOf(name, value)
        entries.push(problem ? `        # the ${name} of ${quote(stored)} is left out: it ${problem}` : `        ${name}: ${scalar(value)}`)
      }
      if (traits.labels && number.name) field('name', number.name)
      if (number.agent.kind === 'agent') field('agent_id', number.agent.id)
      if (key !== undefined) entries.push(`        destination_key: ${scalar(key)}`)
    }
    // A trunk whose numbers are all left out still lists none ("numbers:" alone would read as null).
    lines.push(`  - trunk_id: ${scalar(trunk.id)}`, `    api: ${trunk.api}`, listed > 0 ? '    numbers:' : '    numbers: []', ...entries)
    count += listed
  }
  // Every trunk left out leaves a file that lists none: a valid numbers file lists one.
  if (count === 0 && !lines.some(line => line.startsWith('  - trunk_id:'))) lines.push('  []')
  return { text: `${lines.join('\n')}\n`, count, leftOut, unreadable }
}

/**
 * Writes the export at `path`, inside `workspace`: through real folders only (a missing one is
 * made; a link is refused), never onto a link, and whole or not at all (a temporary file in the
 * same folder, then renamed over the target). Secrets are taken out as everywhere.
 */
export async function writeExport(path: string, text: string, workspace = process.env.GITHUB_WORKSPACE || process.cwd()): Promise<void> {
  const shown = (p: string) => quote(relative(workspace, p).split(sep).join('/'))
  const refuse = (why: string) => new Error(`Input "export_file" ${why}; nothing was written.`)
  const kind = async (p: string) => {
    try {
      return await lstat(p)
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return undefined
      throw error
    }
  }
  const folders = relative(workspace, dirname(path))
    .split(sep)
    .filter(part => part !== '' && part !== '.')
  let folder = workspace
  for (const part of folders) {
    folder = join(folder, part)
    const info = await kind(folder)
    if (!info) await mkdir(folder)
    else if (info.isSymbolicLink()) throw refuse(`goes through ${shown(folder)}, a symbolic link: an export is written only through real folders`)
    else if (!info.isDirectory()) throw refuse(`goes through ${shown(folder)}, which is not a folder`)
  }
  const target = await kind(path)
  if (target?.isSymbolicLink()) throw refuse(`is a symbolic link: an export never writes through a link`)
  if (target && !target.isFile()) throw refuse('is not a regular file')
  const temporary = join(folder, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  // "wx": created new, never an existing file or a link someone put there.
  const file = await open(temporary, 'wx', 0o644)
  try {
    await file.writeFile(redact(text))
  } finally {
    await file.close()
  }
  try {
    await rename(temporary, path)
  } catch (error) {
    await rm(temporary, { force: true })
    throw error
  }
}
