/**
 * Stands in for `@actions/exec` in the bundle (tsconfig `paths`), which only `@actions/core`
 * imports, for `core.platform.getDetails()` (it runs `lsb_release`, `sw_vers` or PowerShell): this
 * action never calls it. The real package, with `@actions/io`, loads `node:child_process` and
 * `node:assert` on every run before the first request.
 */
export function getExecOutput(): never {
  throw new Error('@actions/exec is not bundled with this action: core.platform.getDetails() is unavailable')
}
