export const id = 757;
export const ids = [757];
export const modules = {

/***/ 9757:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Q: () => (/* binding */ HttpClient)
/* harmony export */ });
/* unused harmony export BearerCredentialHandler */
/**
 * Stands in for `@actions/http-client` in the bundle (tsconfig `paths`), which only two
 * dependencies import:
 * - `@actions/core`, for its OIDC client (`core.getIDToken`), which this action never calls;
 * - `@actions/github`, to look up a proxy agent for octokit; with none, octokit connects directly,
 *   as this action's own Bolna client does (it does not use HTTP(S)_PROXY either).
 * The real package bundles a second HTTP stack (undici 6, ~0.5 MB) that every run would load and
 * evaluate before its first request, and that replaces Node's global fetch dispatcher.
 */
class HttpClient {
    getAgent() {
        return undefined;
    }
    getAgentDispatcher() {
        return undefined;
    }
}
class BearerCredentialHandler {
    token;
    constructor(token) {
        this.token = token;
    }
}


/***/ })

};
