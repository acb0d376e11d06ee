// Vitest setup file: workflow commands that code under test prints on stdout (`::add-mask::…`
// from core.setSecret, `::error::…`) are held back, and shown only for a test that fails.
import { afterEach } from 'vitest'

const write = process.stdout.write.bind(process.stdout)
let held: string[] = []

process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
  const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
  if (!text.startsWith('::')) return write(chunk, ...rest)
  held.push(text)
  return true
}) as typeof process.stdout.write

afterEach(({ task }) => {
  if (task.result?.state === 'fail') for (const text of held) write(text)
  held = []
})
