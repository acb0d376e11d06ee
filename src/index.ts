import { run } from './main.js'
import { unsupportedNode } from './runtime.js'

const problem = unsupportedNode(process.versions.node)
if (problem === undefined) await run()
else {
  process.stdout.write(`::error title=Node.js ${process.versions.node}::${problem}\n`)
  process.exitCode = 1
}
