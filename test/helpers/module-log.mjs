// Preloaded with NODE_OPTIONS="--import <this file>": at exit, writes the Node built-in modules the
// process loaded (process.moduleLoadList) to the file MODULE_LOG names, one per line.
import { writeFileSync } from 'node:fs'

process.on('exit', () => {
  if (process.env.MODULE_LOG) writeFileSync(process.env.MODULE_LOG, process.moduleLoadList.join('\n'))
})
