// The Bolna emulator as the rows use it: one per measurement, with trunks of one family (legacy
// `/sip-trunks` or `/trunk`), and its request log sorted into the requests a numbers run makes.
import { BolnaEmulator } from '../../test/emulator/bolna-emulator.ts'
import type { EmulatorOptions, RequestLogEntry, TrunkApi } from '../../test/emulator/bolna-emulator.ts'
import type { BenchContext } from './context.ts'

export type { TrunkApi }

/** One of Bolna's two trunk APIs, as the rows name and set it up. */
export interface Family {
  api: TrunkApi
  /** How the rows name it: "legacy" or "/trunk". */
  label: string
  /** The requests that read one trunk's numbers (for the floors' labels). */
  read: string
}

export const LEGACY: Family = { api: 'sip-trunks', label: 'legacy', read: 'GET …/numbers' }
export const TRUNK: Family = { api: 'trunk', label: '/trunk', read: 'GET /trunk/trunks/{id}' }
export const FAMILIES: readonly Family[] = [LEGACY, TRUNK]

/**
 * The n-th (from 1) trunk id of a row: free text on legacy (ids like 01HQ… there), a uuid on `/trunk`
 * (which Bolna gives its trunks). `row` keeps rows apart in names; every row has its own emulator.
 */
export function trunkId(family: Family, row: string, n: number): string {
  return family.api === 'trunk' ? `5e6f7a8b-9c0d-4e1f-a2b3-${String(n).padStart(12, '0')}` : `bench-${row}-${String(n).padStart(2, '0')}`
}

/** Emulator options with these trunks, in the family's list. */
export function trunksOption(family: Family, ids: readonly string[]): EmulatorOptions {
  return family.api === 'trunk' ? { newTrunks: [...ids] } : { trunks: [...ids] }
}

/** A number already on a trunk, as Bolna would hold it: `e164` is "+<digits>". */
export function seedNumber(emulator: BolnaEmulator, family: Family, trunk: string, e164: string, name: string): void {
  if (family.api === 'trunk') emulator.seed(trunk, { e164 })
  else emulator.seed(trunk, { phone_number: e164.slice(1), name })
}

/** Starts an emulator (with the bench's key), runs `work` on it and stops it, whatever happens. */
export async function withEmulator<T>(ctx: BenchContext, options: EmulatorOptions, work: (emulator: BolnaEmulator, url: string) => Promise<T>): Promise<T> {
  const emulator = new BolnaEmulator({ apiKey: ctx.key, ...options })
  ctx.emulators.add(emulator)
  try {
    return await work(emulator, await emulator.start())
  } finally {
    await emulator.stop()
    ctx.emulators.delete(emulator)
  }
}

/** A trunk's reads (GET of the trunk or of its numbers, either family) and adds (POST of a number). */
const TRUNK_PATH = /^\/(?:sip-trunks|trunk)\/trunks\/([^/?]+)(\/numbers)?\/?(?:\?|$)/

function classify(entry: RequestLogEntry): { kind: 'read' | 'add' | 'other'; trunk?: string } {
  const match = TRUNK_PATH.exec(entry.path)
  if (!match) return { kind: 'other' }
  if (entry.method === 'GET') return { kind: 'read', trunk: match[1] }
  if (entry.method === 'POST' && match[2]) return { kind: 'add', trunk: match[1] }
  return { kind: 'other' }
}

/** What a numbers run asked of Bolna, from the emulator's log. */
export interface RequestCounts {
  /** Reads of a trunk before any add to it: the lists the plan is made from. */
  lists: number
  adds: number
  /** Reads of a trunk after an add to it: the re-reads that check what was written. */
  verifyLists: number
  other: number
  total: number
  /** Epoch ms of the first request, the first add and the last request (NaN when none). */
  firstAt: number
  firstAddAt: number
  lastAt: number
}

export function countRequests(log: readonly RequestLogEntry[]): RequestCounts {
  const written = new Set<string>()
  const counts = { lists: 0, adds: 0, verifyLists: 0, other: 0 }
  let firstAddAt = Number.NaN
  for (const entry of log) {
    const { kind, trunk = '' } = classify(entry)
    if (kind === 'add') {
      counts.adds++
      written.add(trunk)
      if (Number.isNaN(firstAddAt)) firstAddAt = entry.at
    } else if (kind === 'read') {
      if (written.has(trunk)) counts.verifyLists++
      else counts.lists++
    } else counts.other++
  }
  return { ...counts, total: log.length, firstAt: log[0]?.at ?? Number.NaN, firstAddAt, lastAt: log[log.length - 1]?.at ?? Number.NaN }
}

/** "10 lists + 1000 adds + 10 verify lists" (and "+ N other" when there were others). */
export function describeCounts(c: Pick<RequestCounts, 'lists' | 'adds' | 'verifyLists' | 'other'>): string {
  return `${c.lists} lists + ${c.adds} adds + ${c.verifyLists} verify lists${c.other ? ` + ${c.other} other` : ''}`
}
