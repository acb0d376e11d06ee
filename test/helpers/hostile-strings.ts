/**
 * Strings written to hurt whatever shows them: the shared list every place that shows outside
 * text (the log, annotations, the job summary, the PR comment) is tested with. Each carries MARK,
 * so a test can find where it went; `inFile` says whether a numbers file may hold it as a name.
 */

/** In every hostile string: a command line that carries it was injected. */
export const MARK = 'INJECTED'

export interface HostileString {
  label: string
  value: string
  /** One line of at most 255 characters with no control character: a numbers file may hold it. */
  inFile: boolean
}

const MiB = 1024 * 1024

export const HOSTILE_STRINGS: readonly HostileString[] = [
  {
    label: 'C0 controls, ESC sequences, DEL',
    value: `${MARK}\u0000nul\u0007bel\u001b[31mred\u001b]8;;https://evil.test\u0007link\u007fdel\b\f\v`,
    inFile: false
  },
  { label: 'C1 controls (NEL, CSI)', value: `${MARK}\u0085next\u009b31m`, inFile: true },
  { label: 'right-to-left override', value: `${MARK} invoice\u202Efdp.exe`, inFile: true },
  { label: 'bidi embeddings and isolates', value: `${MARK}\u202Aa\u202Bb\u202Cc\u202Dd\u2066e\u2067f\u2068g\u2069h\u200Ei\u200Fj\u061Ck`, inFile: true },
  { label: 'zero-width characters', value: `${MARK}zero\u200Bwidth\u200Cnon\u200Djoin\u2060word\uFEFFbom\u00ADshy`, inFile: true },
  { label: 'line and paragraph separators', value: `${MARK}\u2028::error::line-separator\u2029::error::paragraph`, inFile: true },
  { label: 'workflow command after \\n', value: `plivo\n::error title=${MARK}::pwned\n::set-output name=status::${MARK}`, inFile: false },
  { label: 'workflow command after \\r', value: `plivo\r::warning title=${MARK}::pwned\r::add-mask::${MARK}`, inFile: false },
  { label: 'workflow command after \\r\\n', value: `x\r\n::stop-commands::${MARK}\r\n::error::after-stop`, inFile: false },
  { label: 'a command alone', value: `::error file=${MARK}.yml,line=1::pwned`, inFile: true },
  {
    label: 'Markdown',
    value: `${MARK} **bold** _em_ [link](https://evil.test) ![img](https://evil.test/x.png) | a | b | \`code\` ~~s~~ <!-- c -->`,
    inFile: true
  },
  { label: 'HTML', value: `${MARK}<img src=x onerror=alert(1)><script>alert(1)</script></td></tr></table><details open>&amp;`, inFile: true },
  { label: 'mentions and references', value: `${MARK} @octocat @acme/admins admin@evil.test #1 GH-2 acme/n#3 https://evil.test www.evil.test`, inFile: true },
  { label: 'lone surrogates', value: `${MARK}\uD800high\uDC00low`, inFile: false },
  { label: '1 MiB of ASCII', value: `${MARK}${'A'.repeat(MiB)}`, inFile: false },
  { label: '1 MiB of CJK and bidi', value: `${MARK}${'界\u202E'.repeat(MiB / 4)}`, inFile: false }
]

/** The characters none of the outputs for people may carry as they are: controls (but \n), bidi, zero-width, separators, lone surrogates. */
export const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]|\p{Cs}/u

/**
 * The workflow commands in a log, as the runner reads it: a line starts after "\n", "\r\n" or a
 * lone "\r" (.NET's ReadLine), and a command is a line that starts with "::".
 */
export function commandLines(log: string): string[] {
  return log.split(/\r\n|\r|\n/).filter(line => line.trimStart().startsWith('::'))
}

/** The commands that carry MARK outside the message the action meant: an injected command. */
export function injected(log: string): string[] {
  return commandLines(log).filter(line => {
    const command = /^\s*::([^:]*)::/.exec(line)
    // A command the action printed shows a hostile value only in its message (after "::"), escaped.
    if (!command || command[1]!.includes(MARK)) return true
    if (/^\s*::(set-output|stop-commands|save-state|set-env|add-path)/.test(line)) return true
    return /^\s*::add-mask::/.test(line) && line.includes(MARK)
  })
}
