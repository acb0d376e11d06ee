// The plain references of `npm run bench` row 3: the same requests as the action makes for a
// numbers file (one list per trunk, then one POST per missing number) with the built-in fetch,
// no retries, no validation beyond the status, no logging.
//   node fetch-loop.mjs JOB.json [--concurrency N]
//     JOB = { trunks: [{ trunk_id, numbers: [{ phone_number, name? }] }] }
//     --concurrency 1 (the default) is the "shell loop of curl": one request at a time;
//     --concurrency 8 is the floor of the action at concurrency 8: lists, then adds, N in flight.
// Base URL and key come from INPUT_API_BASE_URL and INPUT_TOKEN. Prints {"lists":N,"adds":N}.
import { readFileSync } from 'node:fs'

const job = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const flag = process.argv.indexOf('--concurrency')
const concurrency = flag > 0 ? Number(process.argv[flag + 1]) : 1
const base = process.env.INPUT_API_BASE_URL
const headers = { authorization: `Bearer ${process.env.INPUT_TOKEN}`, accept: 'application/json' }
const digits = text => String(text).replace(/\D/g, '')
const url = trunk => `${base}/sip-trunks/trunks/${encodeURIComponent(trunk)}/numbers`

async function each(items, work) {
  let next = 0
  const worker = async () => {
    while (next < items.length) await work(items[next++])
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker))
}

const present = new Map()
let lists = 0
let adds = 0
await each(job.trunks, async trunk => {
  const res = await fetch(url(trunk.trunk_id), { headers })
  const records = await res.json()
  if (!res.ok) throw new Error(`GET ${trunk.trunk_id}: ${res.status}`)
  present.set(trunk.trunk_id, new Set(records.filter(r => !r.deleted).map(r => digits(r.phone_number))))
  lists++
})
const missing = job.trunks.flatMap(trunk => trunk.numbers.filter(n => !present.get(trunk.trunk_id).has(digits(n.phone_number))).map(n => ({ trunk, n })))
await each(missing, async ({ trunk, n }) => {
  const body = JSON.stringify({ phone_number: n.phone_number, e164_check_enabled: false, ...(n.name !== undefined && { name: n.name }) })
  const res = await fetch(url(trunk.trunk_id), { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body })
  await res.json()
  if (res.status !== 201) throw new Error(`POST ${n.phone_number}: ${res.status}`)
  adds++
})
console.log(JSON.stringify({ lists, adds }))
