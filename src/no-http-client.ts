/**
 * Stands in for `@actions/http-client` in the bundle (tsconfig `paths`), which only two
 * dependencies import:
 * - `@actions/core`, for its OIDC client (`core.getIDToken`), which this action never calls;
 * - `@actions/github`, to look up a proxy agent for octokit; with none, octokit connects directly,
 *   as this action's own Bolna client does (it does not use HTTP(S)_PROXY either).
 * The real package bundles a second HTTP stack (undici 6, ~0.5 MB) that every run would load and
 * evaluate before its first request, and that replaces Node's global fetch dispatcher.
 */
export class HttpClient {
  getAgent(): undefined {
    return undefined
  }

  getAgentDispatcher(): undefined {
    return undefined
  }
}

export class BearerCredentialHandler {
  constructor(readonly token: string) {}
}
