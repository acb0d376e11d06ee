/**
 * The last line of defence for what the step writes. The outputs, the job summary, the PR comment
 * and the files take the step's secrets out with secrets.ts's `redact`, once `guardOutput` has
 * named them; the log is guarded here: every line the step prints (messages and workflow commands
 * alike) has the secrets redacted, in every spelling Secrets knows, and its invisible characters
 * escaped (text.ts). Values are quoted where they are used; this catches what a message built
 * around an unquoted value would still carry.
 */
import { useSecrets } from './secrets.js'
import type { Secrets } from './secrets.js'
import { visibleLines } from './text.js'

type Write = typeof process.stdout.write

/** Wraps the step's stdout and stderr; `::add-mask::` commands pass as they are (the runner needs the secret to mask it). */
export function guardOutput(secrets: Secrets, streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  useSecrets(secrets)
  for (const stream of streams) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (typeof chunk !== 'string' || chunk.startsWith('::add-mask::')) return write(chunk, ...rest)
      return write(visibleLines(secrets.redact(chunk), Number.POSITIVE_INFINITY), ...rest)
    }) as Write
  }
}
