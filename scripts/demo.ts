// npm run demo: the built action, end to end, against the bundled Bolna emulator.
import { BolnaEmulator } from '../test/emulator/bolna-emulator.ts'
import { runAction } from '../test/helpers/run-action.ts'
import type { ActionRun } from '../test/helpers/run-action.ts'

const apiKey = 'demo-key'
const emulator = new BolnaEmulator({ apiKey, trunks: ['01HQXYZ123ABC456DEF'] })
const url = await emulator.start()
console.log(`Bolna emulator on ${url} (trunk 01HQXYZ123ABC456DEF)\n`)

function show(title: string, run: ActionRun): void {
  console.log(`=== ${title}: exit ${run.code}`)
  for (const line of run.stdout.split('\n')) if (line && !line.startsWith('::')) console.log(`  log    ${line}`)
  for (const line of run.stdout.split('\n')) if (/^::(error|warning)/.test(line)) console.log(`  annot  ${line}`)
  for (const [name, value] of Object.entries(run.outputs)) console.log(`  output ${name} = ${value}`)
  console.log(`  summary:\n${run.summary.trim().replace(/^/gm, '    ')}\n`)
}

try {
  const inputs = { token: apiKey, api_base_url: url, trunk_id: '01HQXYZ123ABC456DEF', phone_number: '919876543210', name: 'Mumbai Support Line' }
  const first = await runAction({ inputs })
  show('first run (adds the number)', first)
  const second = await runAction({ inputs: { ...inputs, phone_number: '+91 98765-43210' } })
  show('second run (same number, other spelling: no second add)', second)
  const writes = emulator.writes().length
  console.log(`Bolna now holds ${emulator.records('01HQXYZ123ABC456DEF').length} number(s); the two runs made ${writes} write(s).\n`)

  const numbersFile = [
    'version: 1',
    'trunks:',
    '  - trunk_id: 01HQXYZ123ABC456DEF',
    '    numbers:',
    '      - phone_number: "919876543210"',
    '        name: Mumbai Support Line',
    '      - phone_number: "+14155550123"',
    '        name: SF Front Desk',
    ''
  ].join('\n')
  const fileInputs = { token: apiKey, api_base_url: url, numbers_file: 'bolna-numbers.yml' }
  const plan = await runAction({ inputs: { ...fileInputs, dry_run: 'true' }, files: { 'bolna-numbers.yml': numbersFile } })
  show('numbers file, dry run (the plan a pull request shows)', plan)
  const apply = await runAction({ inputs: fileInputs, files: { 'bolna-numbers.yml': numbersFile } })
  show('numbers file, apply (on merge)', apply)
  const failedRun = [first, second, plan, apply].some(run => run.code !== 0)
  if (failedRun || first.outputs.status !== 'created' || second.outputs.status !== 'exists' || writes !== 1) process.exitCode = 1
} finally {
  await emulator.stop()
}
