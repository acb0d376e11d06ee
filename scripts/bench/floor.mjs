// The floor of `npm run bench` rows 1 and 2: the least a Node process can do to do the action's
// HTTP work — the same request(s) with the built-in fetch, nothing else. Plain JavaScript, not
// TypeScript, so that it pays no type-stripping cost (dist/index.js is plain JavaScript too).
// Reads the same INPUT_* variables the action gets; INPUT_TRUNK_API picks the family:
//   sip-trunks (legacy)  reads GET /sip-trunks/trunks/{id} (its `phone_numbers`), adds {phone_number, …}
//   trunk                reads GET /trunk/trunks/{id} (its `numbers`), adds {e164, destination_key}
//   node floor.mjs list            one read of the trunk; exit 1 unless the number is there
//   node floor.mjs create          that read, then one POST of the number; exit 1 unless it is created
//   node floor.mjs create-verify   create, then one more read of the trunk; exit 1 unless it shows the number
const mode = process.argv[2] ?? 'list'
const env = process.env
const trunkApi = env.INPUT_TRUNK_API === 'trunk'
const trunk = encodeURIComponent(env.INPUT_TRUNK_ID ?? '')
const readUrl = trunkApi ? `${env.INPUT_API_BASE_URL}/trunk/trunks/${trunk}` : `${env.INPUT_API_BASE_URL}/sip-trunks/trunks/${trunk}`
const addUrl = `${readUrl}/numbers`
const headers = { authorization: `Bearer ${env.INPUT_TOKEN}`, accept: 'application/json' }
const digits = text => String(text).replace(/\D/g, '')
const want = digits(env.INPUT_PHONE_NUMBER)

async function onTrunk() {
  const res = await fetch(readUrl, { headers })
  const body = await res.json()
  const records = trunkApi ? body?.numbers : body?.phone_numbers
  return res.ok && Array.isArray(records) && records.some(r => !(r.deleted || r.is_deleted) && digits(trunkApi ? r.e164 : r.phone_number) === want)
}

const found = await onTrunk()
if (mode === 'list') {
  if (!found) process.exitCode = 1
} else {
  const body = JSON.stringify(trunkApi ? { e164: `+${want}`, destination_key: want } : { phone_number: env.INPUT_PHONE_NUMBER, e164_check_enabled: false })
  const added = await fetch(addUrl, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body })
  const record = await added.json()
  if (found || !(added.status === 201 || (trunkApi && added.status === 200)) || typeof record?.id !== 'string') process.exitCode = 1
  else if (mode === 'create-verify' && !(await onTrunk())) process.exitCode = 1
}
