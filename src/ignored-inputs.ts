/**
 * Single mode: the inputs the chosen trunk API does not use, one notice each, naming the input (the
 * runner passes every input, so nothing else would say that one is dropped).
 */
import { TRUNK_APIS } from './bolna/port.js'
import type { TrunkRef } from './bolna/port.js'
import type { DesiredNumber } from './plan.js'

export function ignoredInputs(trunk: TrunkRef, want: DesiredNumber): string[] {
  const api = TRUNK_APIS[trunk.api]
  const ignored: string[] = []
  if (!api.labels && want.name !== undefined) {
    ignored.push(`Input "name" is not sent: Bolna's ${api.title} has no label for a number (trunk_api is "${trunk.api}"). Remove it from the step.`)
  }
  // Only the legacy API takes e164_check_enabled; the /trunk API always checks E.164.
  if (trunk.api !== 'sip-trunks' && want.e164CheckEnabled) {
    ignored.push(`Input "e164_check_enabled" is not sent: Bolna's ${api.title} always checks E.164 (trunk_api is "${trunk.api}"). Remove it from the step.`)
  }
  return ignored
}
