// The floor of `npm run bench` rows 1 and 2: the least a Node process can do to do the action's
// HTTP work — the same request(s) with the built-in fetch, nothing else. Plain JavaScript, not
// TypeScript, so that it pays no type-stripping cost (dist/index.js is plain JavaScript too).
// Reads the same INPUT_* variables the action gets.
//   node floor.mjs list     one GET of the trunk's numbers; exit 1 unless the number is there
//   node floor.mjs create   that GET, then one POST of the number; exit 1 unless it is created
const mode = process.argv[2] ?? 'list'
const env = process.env
const numbers = `${env.INPUT_API_BASE_URL}/sip-trunks/trunks/${encodeURIComponent(env.INPUT_TRUNK_ID ?? '')}/numbers`
const headers = { authorization: `Bearer ${env.INPUT_TOKEN}`, accept: 'application/json' }
const digits = text => String(text).replace(/\D/g, '')
const want = digits(env.INPUT_PHONE_NUMBER)

const listed = await fetch(numbers, { headers })
const records = await listed.json()
const found = listed.ok && Array.isArray(records) && records.some(r => !r.deleted && digits(r.phone_number) === want)
if (mode === 'list') {
  if (!found) process.exitCode = 1
} else {
  const body = JSON.stringify({ phone_number: env.INPUT_PHONE_NUMBER, e164_check_enabled: false })
  const added = await fetch(numbers, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body })
  const record = await added.json()
  if (found || added.status !== 201 || typeof record?.id !== 'string') process.exitCode = 1
}
