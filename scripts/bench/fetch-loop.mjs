// The plain references of `npm run bench` row 3: the same requests as the action makes for a
// numbers file (one read per trunk, one POST per missing number, and with --verify one more read of
// each trunk written to) with the built-in fetch, no retries, no validation beyond the status, no logging.
//   node fetch-loop.mjs JOB.json [--concurrency N] [--verify]
//     JOB = { trunks: [{ trunk_id, api?, numbers: [{ phone_number, name? }] }] }
//       api sip-trunks (the default): GET /sip-trunks/trunks/{id} (its `phone_numbers`), POST …/numbers {phone_number, name, …}
//       api trunk: GET /trunk/trunks/{id} (its `numbers`), POST /trunk/trunks/{id}/numbers {e164, destination_key}
//     --concurrency 1 (the default) is the "shell loop of curl": one request at a time;
//     --concurrency 8 is the floor of the action at concurrency 8: reads, then adds, N in flight.
// Base URL and key come from INPUT_API_BASE_URL and INPUT_TOKEN. Prints {"lists":N,"adds":N,"verifyLists":N}.
import { readFileSync } from 'node:fs'

const job = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const flag = process.argv.indexOf('--concurrency')
const concurrency = flag > 0 ? Number(process.argv[flag + 1]) : 1
const verify = process.argv.includes('--verify')
const base = process.env.INPUT_API_BASE_URL
const headers = { authorization: `Bearer ${process.env.INPUT_TOKEN}`, accept: 'application/json' }
const digits = text => String(text).replace(/\D/g, '')
const isTrunkApi = trunk => trunk.api === 'trunk'
const trunkUrl = trunk =>
  isTrunkApi(trunk) ? `${base}/trunk/trunks/${encodeURIComponent(trunk.trunk_id)}` : `${base}/sip-trunks/trunks/${encodeURIComponent(trunk.trunk_id)}`
const addUrl = trunk => `${trunkUrl(trunk)}/numbers`

async function each(items, work) {
  let next = 0
  const worker = async () => {
    while (next < items.length) await work(items[next++])
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker))
}

/** The digits of every live number on the trunk. */
async function read(trunk) {
  const res = await fetch(trunkUrl(trunk), { headers })
  const body = await res.json()
  if (!res.ok) throw new Error(`GET ${trunk.trunk_id}: ${res.status}`)
  const records = isTrunkApi(trunk) ? body.numbers : body.phone_numbers
  return new Set(records.filter(r => !(r.deleted || r.is_deleted)).map(r => digits(isTrunkApi(trunk) ? r.e164 : r.phone_number)))
}

const present = new Map()
let lists = 0
let adds = 0
let verifyLists = 0
await each(job.trunks, async trunk => {
  present.set(trunk.trunk_id, await read(trunk))
  lists++
})
const missing = job.trunks.flatMap(trunk => trunk.numbers.filter(n => !present.get(trunk.trunk_id).has(digits(n.phone_number))).map(n => ({ trunk, n })))
await each(missing, async ({ trunk, n }) => {
  const body = isTrunkApi(trunk)
    ? { e164: `+${digits(n.phone_number)}`, destination_key: digits(n.phone_number) }
    : { phone_number: n.phone_number, e164_check_enabled: false, ...(n.name !== undefined && { name: n.name }) }
  const res = await fetch(addUrl(trunk), { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) })
  await res.json()
  if (!(res.status === 201 || (isTrunkApi(trunk) && res.status === 200))) throw new Error(`POST ${n.phone_number}: ${res.status}`)
  adds++
})
if (verify) {
  const written = job.trunks.filter(trunk => missing.some(m => m.trunk === trunk))
  await each(written, async trunk => {
    const now = await read(trunk)
    if (trunk.numbers.some(n => !now.has(digits(n.phone_number)))) throw new Error(`GET ${trunk.trunk_id}: a number just added is missing`)
    verifyLists++
  })
}
console.log(JSON.stringify({ lists, adds, verifyLists }))
