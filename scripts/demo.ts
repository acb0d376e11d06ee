// npm run demo: the built action, end to end, against the bundled Bolna emulator.
import { BolnaEmulator } from '../test/emulator/bolna-emulator.ts'
import { runAction } from '../test/helpers/run-action.ts'
import type { ActionRun } from '../test/helpers/run-action.ts'

const apiKey = 'demo-key'
const LEGACY = '01HQXYZ123ABC456DEF'
const NEW = '3f2b8c1e-6d4a-4f7b-9e2c-1a5d7b9c0e21'
const emulator = new BolnaEmulator({ apiKey, trunks: [LEGACY], newTrunks: [NEW], agents: ['front-desk-agent'] })
const url = await emulator.start()
console.log(`Bolna emulator on ${url}: legacy /sip-trunks trunk ${LEGACY}, /trunk trunk ${NEW}\n`)

/** What the step is given, as a workflow's `with:` would say it (the key left out). */
function given(inputs: Record<string, string>, files: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries(inputs)) if (name !== 'token' && name !== 'api_base_url') console.log(`  with   ${name}: ${JSON.stringify(value)}`)
  for (const [name, text] of Object.entries(files)) console.log(`  file   ${name}:\n${text.trimEnd().replace(/^/gm, '           ')}`)
}

function show(title: string, run: ActionRun): void {
  console.log(`--- ${title}: exit ${run.code}`)
  for (const line of run.stdout.split('\n')) if (line && !line.startsWith('::')) console.log(`  log    ${line}`)
  for (const line of run.stdout.split('\n')) if (/^::(error|warning|notice)/.test(line)) console.log(`  annot  ${line}`)
  for (const [name, value] of Object.entries(run.outputs)) console.log(`  output ${name} = ${value}`)
  console.log(`  summary:\n${run.summary.trim().replace(/^/gm, '    ')}\n`)
}

try {
  const inputs = { token: apiKey, api_base_url: url, trunk_id: LEGACY, phone_number: '919876543210', name: 'Mumbai Support Line' }
  console.log('=== 1. one number, spelled "919876543210"')
  given(inputs)
  const first = await runAction({ inputs })
  show('first run (adds the number)', first)
  const respelled = { ...inputs, phone_number: '+91 98765-43210' }
  console.log('=== 2. the same number, spelled "+91 98765-43210"')
  given(respelled)
  const second = await runAction({ inputs: respelled })
  show('second run (same number, other spelling: no second add)', second)
  const writes = emulator.writes().length
  console.log(`Bolna now holds ${emulator.numbers(LEGACY).length} number(s) on ${LEGACY}; the two runs made ${writes} write(s).\n`)

  const numbersFile = [
    'version: 1',
    'trunks:',
    `  - trunk_id: ${LEGACY}`,
    '    numbers:',
    '      - phone_number: "919876543210"',
    '        name: Mumbai Support Line',
    '      - phone_number: "+14155550123"',
    '        name: SF Front Desk',
    `  - trunk_id: ${NEW}`,
    '    api: trunk',
    '    numbers:',
    '      - phone_number: "+1 (415) 555-0199"',
    '        agent_id: front-desk-agent',
    ''
  ].join('\n')
  const files = { 'bolna-numbers.yml': numbersFile }
  const fileInputs = { token: apiKey, api_base_url: url, numbers_file: 'bolna-numbers.yml' }
  console.log('=== 3. a numbers file, one trunk of each API, planned (dry run)')
  given({ ...fileInputs, dry_run: 'true' }, files)
  const plan = await runAction({ inputs: { ...fileInputs, dry_run: 'true' }, files })
  show('numbers file, dry run (the plan a pull request shows)', plan)
  console.log('=== 4. the same file, applied')
  given(fileInputs)
  const apply = await runAction({ inputs: fileInputs, files })
  show('numbers file, apply (on merge)', apply)
  const failedRun = [first, second, plan, apply].some(run => run.code !== 0)
  if (failedRun || first.outputs.status !== 'created' || second.outputs.status !== 'exists' || writes !== 1) process.exitCode = 1
} finally {
  await emulator.stop()
}
