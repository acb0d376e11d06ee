// `npm run contract`: the contract check from a maintainer's machine (src/contract-cli.ts).
import { contractCli } from './contract-cli.js'

process.exitCode = await contractCli(process.argv.slice(2), process.env, {
  out: text => process.stdout.write(text),
  err: text => process.stderr.write(text)
})
