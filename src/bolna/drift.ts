import type { FieldState } from './shape.js'

/**
 * Drift in the shape of Bolna's answers, as a normal run meets it: a field the action reads that
 * an answer did not carry, or carried with another type. The action fails on it, or reads the
 * field as unknown, either way; this only tells whoever listens (one notice per run, contract.ts).
 */
export interface Drift {
  /** `GET /sip-trunks/trunks/01HQ…` */
  call: string
  field: string
  state: Exclude<FieldState, 'found'>
}

let listener: ((drift: Drift) => void) | undefined

/** Sends drift to `listen` until the returned function is called. */
export function listenForDrift(listen: (drift: Drift) => void): () => void {
  const previous = listener
  listener = listen
  return () => {
    listener = previous
  }
}

export function noteDrift(drift: Drift): void {
  listener?.(drift)
}
