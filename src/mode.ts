import type { ApplyResult } from './apply.js'
import type { Warning } from './health.js'
import type { DesiredState, Plan } from './plan.js'

/**
 * What differs between single mode and file mode: where the wanted numbers come from, what else
 * guards the apply, and how each step is reported. The steps themselves are run()'s, the same
 * for both: single mode is a one-entry plan.
 */
export interface Mode {
  /** Unlisted numbers may be removed (file mode's prune input; single mode never). */
  prune: boolean
  /** The numbers wanted: the inputs' one number, or the numbers file's (whose problems fail the step here). */
  desired(): Promise<DesiredState>
  /** The plan, as made; said before anything refuses it. */
  planned(plan: Plan): Promise<void>
  /** What must hold, besides max_deletes, before anything is written (throws if not). */
  guard(plan: Plan): Promise<void>
  /** The end of a dry run: what would be done (throws on drift where that fails the step). */
  dryRun(plan: Plan): Promise<void>
  /** What the apply did, once verified (the results name the records kept where duplicates were healed). */
  applied(plan: Plan, results: readonly ApplyResult[]): Promise<void>
  /** The step failed for `reason` (redacted); `plan` if one was made. */
  failed(reason: string, plan?: Plan): Promise<void>
  /** The warnings: said on a failed run too, they may be why calls would not arrive. */
  warned(warnings: readonly Warning[]): Promise<void>
}
