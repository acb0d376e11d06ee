export const id = 525;
export const ids = [525];
export const modules = {

/***/ 8133:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   _: () => (/* binding */ GitHubCallError),
/* harmony export */   y: () => (/* binding */ GitHubApi)
/* harmony export */ });
/* harmony import */ var _clock_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9373);
/* harmony import */ var _bolna_http_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6105);


/** A GitHub call that failed: its status, or none when no answer came within the bounds. */
class GitHubCallError extends Error {
    status;
    name = 'GitHubCallError';
    constructor(message, status) {
        super(message);
        this.status = status;
    }
}
/**
 * GitHub's REST API through octokit (which follows the runner's proxy settings), every call
 * bounded: `timeoutMs` an attempt, `maxRetries` more attempts after no answer, a 429 or a 5xx,
 * with the Bolna calls' backoff. `@actions/github` is loaded only by `connect`.
 */
class GitHubApi {
    octokit;
    repo;
    settings;
    constructor(octokit, repo, settings) {
        this.octokit = octokit;
        this.repo = repo;
        this.settings = settings;
    }
    static async connect(settings) {
        const github = await Promise.all(/* import() */[__webpack_require__.e(413), __webpack_require__.e(757)]).then(__webpack_require__.bind(__webpack_require__, 2413));
        return new GitHubApi(github.getOctokit(settings.token), github.context.repo, settings);
    }
    /** The token's own login where GitHub says it (a personal token); undefined where it cannot (GITHUB_TOKEN, an App's token: 403) or did not answer. */
    async login() {
        try {
            const { data } = await this.call('GET /user', 'read the token’s user', {});
            const login = data.login;
            return typeof login === 'string' && login ? login : undefined;
        }
        catch (error) {
            if (error instanceof GitHubCallError)
                return undefined;
            throw error;
        }
    }
    /** Every comment of the issue or pull request, oldest first, 100 a page. */
    async comments(issue) {
        const all = [];
        for (let page = 1;; page++) {
            const { data } = await this.call('GET /repos/{owner}/{repo}/issues/{issue_number}/comments', `list the comments of pull request #${issue}`, {
                ...this.repo,
                issue_number: issue,
                per_page: 100,
                page
            });
            const batch = Array.isArray(data) ? data : [];
            all.push(...batch.map(toComment));
            if (batch.length < 100)
                return all;
        }
    }
    async createComment(issue, body) {
        const { data } = await this.call('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', `post the plan comment on pull request #${issue}`, {
            ...this.repo,
            issue_number: issue,
            body
        });
        return toComment(data);
    }
    async updateComment(id, body, issue) {
        const { data } = await this.call('PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}', `update the plan comment on pull request #${issue}`, {
            ...this.repo,
            comment_id: id,
            body
        });
        return toComment(data);
    }
    /** The merged pull requests the commit belongs to, the one merged as this very commit first. */
    async mergedPulls(commit) {
        const { data } = await this.call('GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls', `find the pull request of commit ${commit.slice(0, 12)}`, {
            ...this.repo,
            commit_sha: commit
        });
        const pulls = (Array.isArray(data) ? data : []);
        const merged = pulls
            .filter(p => typeof p.number === 'number' && typeof p.merged_at === 'string' && typeof p.head?.sha === 'string')
            .map(p => ({ number: p.number, mergeCommit: typeof p.merge_commit_sha === 'string' ? p.merge_commit_sha : '', head: p.head?.sha }));
        return merged.sort((a, b) => Number(b.mergeCommit === commit) - Number(a.mergeCommit === commit));
    }
    /** One call: each attempt bounded by timeoutMs, retried on no answer, 429 and 5xx up to maxRetries times. */
    async call(route, what, params) {
        const { timeoutMs, maxRetries } = this.settings;
        const sleep = this.settings.sleep ?? _clock_js__WEBPACK_IMPORTED_MODULE_0__/* .realClock */ .d.sleep;
        for (let attempt = 0;; attempt++) {
            let status;
            let reason;
            try {
                return (await this.octokit.request(route, { ...params, request: { signal: AbortSignal.timeout(timeoutMs) } }));
            }
            catch (error) {
                // Octokit gives a failure with no answer (a timeout, a reset) status 500 too: only an answer has a status.
                const answered = error.response?.status;
                status = typeof answered === 'number' ? answered : undefined;
                reason = status ? `answered ${status}` : timedOut(error) ? `had no answer within ${timeoutMs / 1000} s` : `had no answer (${firstLine(error)})`;
            }
            const retryable = status === undefined || status === 429 || status >= 500;
            if (!retryable || attempt >= maxRetries) {
                const tries = attempt > 0 ? ` (${attempt + 1} attempts)` : '';
                throw new GitHubCallError(`the GitHub API call to ${what} ${reason}${tries}`, status);
            }
            await sleep((0,_bolna_http_js__WEBPACK_IMPORTED_MODULE_1__/* .backoffMs */ .jo)(attempt));
        }
    }
}
function toComment(data) {
    const c = (data ?? {});
    return {
        id: typeof c.id === 'number' ? c.id : 0,
        body: typeof c.body === 'string' ? c.body : '',
        login: typeof c.user?.login === 'string' ? c.user.login : '',
        createdAt: typeof c.created_at === 'string' ? c.created_at : ''
    };
}
function timedOut(error) {
    const names = [error?.name, error?.cause?.name];
    return names.includes('TimeoutError') || names.includes('AbortError');
}
function firstLine(error) {
    return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}


/***/ }),

/***/ 671:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Gr: () => (/* binding */ readBlock),
/* harmony export */   Ib: () => (/* binding */ looksLikePlanComment),
/* harmony export */   NR: () => (/* binding */ signingKey),
/* harmony export */   cU: () => (/* binding */ verifiedBlock),
/* harmony export */   g8: () => (/* binding */ renderBlock),
/* harmony export */   h8: () => (/* binding */ signedBody)
/* harmony export */ });
/* unused harmony exports COMMENT_KIND, commentBody */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var zod_mini__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(8395);
/* harmony import */ var zod_mini__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3305);
/* harmony import */ var _plan_fingerprint_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6697);



/**
 * The machine-readable part of a plan comment: one hidden block, its first line, checked against
 * a schema. Nothing else of a comment is read: not its Markdown, not the position of a line.
 */
const BLOCK_START = '<!-- bolna-sip-trunk-number ';
const BLOCK_END = ' -->';
const COMMENT_KIND = 'bolna-sip-trunk-number/plan';
const count = zod_mini__WEBPACK_IMPORTED_MODULE_2__/* .int */ .Whr().check(zod_mini__WEBPACK_IMPORTED_MODULE_3__/* ._nonnegative */ .UI());
const metadataSchema = zod_mini__WEBPACK_IMPORTED_MODULE_2__/* .strictObject */ .rej({
    kind: zod_mini__WEBPACK_IMPORTED_MODULE_2__/* .literal */ .euz(COMMENT_KIND),
    version: zod_mini__WEBPACK_IMPORTED_MODULE_2__/* .literal */ .euz(1),
    /** The numbers file, as GitHub names it: one comment per file. */
    file: zod_mini__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(),
    /** `planned`: a plan an apply may use; `blocked` (max_deletes) and `failed` are not. */
    status: zod_mini__WEBPACK_IMPORTED_MODULE_2__/* ["enum"] */ .k5n(['planned', 'blocked', 'failed']),
    dry_run: zod_mini__WEBPACK_IMPORTED_MODULE_2__/* .boolean */ .zMY(),
    /** The pull request's head commit the plan was made for. */
    commit: zod_mini__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP(),
    /** planFingerprint of the plan; null when there is none. */
    fingerprint: zod_mini__WEBPACK_IMPORTED_MODULE_2__/* .nullable */ .mee(zod_mini__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().check(zod_mini__WEBPACK_IMPORTED_MODULE_3__/* ._regex */ .Fk(/^[0-9a-f]{64}$/))),
    totals: zod_mini__WEBPACK_IMPORTED_MODULE_2__/* .nullable */ .mee(zod_mini__WEBPACK_IMPORTED_MODULE_2__/* .strictObject */ .rej({
        add: count,
        remove: count,
        duplicates: count,
        duplicateNumbers: count,
        replace: count,
        unchanged: count,
        differ: count,
        agentChanges: count,
        agentUnknown: count,
        leftAlone: count,
        pruneHeld: count
    })),
    /** HMAC-SHA256, hex, of the comment with this field empty (see signature()). */
    signature: zod_mini__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP()
});
/** The block as the action writes it: canonical JSON (no "--", so no "-->" in it), on one line. */
function renderBlock(metadata) {
    return `${BLOCK_START}${(0,_plan_fingerprint_js__WEBPACK_IMPORTED_MODULE_1__/* .canonicalJson */ .dj)(metadata).replace(/--/g, '-\\u002d')}${BLOCK_END}`;
}
/** A comment body: the block, then the Markdown. */
function commentBody(metadata, markdown) {
    return `${renderBlock(metadata)}\n${markdown}`;
}
/** True for a body that starts as the action's plan comments do (whatever follows). */
function looksLikePlanComment(body) {
    return body.startsWith(BLOCK_START);
}
/** The body's block, when it starts with one that the schema accepts; undefined otherwise. */
function readBlock(body) {
    if (!looksLikePlanComment(body))
        return undefined;
    const end = body.indexOf('\n');
    const line = end < 0 ? body : body.slice(0, end);
    if (!line.endsWith(BLOCK_END))
        return undefined;
    let json;
    try {
        json = JSON.parse(line.slice(BLOCK_START.length, -BLOCK_END.length));
    }
    catch {
        return undefined;
    }
    const parsed = metadataSchema.safeParse(json);
    return parsed.success ? { metadata: parsed.data, markdown: end < 0 ? '' : body.slice(end + 1) } : undefined;
}
const KEY_LABEL = 'bolna-sip-trunk-number reviewed-plan comment signing key v1';
/**
 * The signing key: HKDF-SHA256 of the workflow's secret (the Bolna API key) with a fixed label.
 * The secret itself is never a key, and appears nowhere; the key is derived, never shown.
 */
function signingKey(secret) {
    return Buffer.from((0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.hkdfSync)('sha256', secret, 'bolna-sip-trunk-number', KEY_LABEL, 32));
}
/**
 * The signature of a comment: HMAC-SHA256 over the whole body (with the signature field empty),
 * the repository, the pull request, the head commit (in the block) and the comment's author.
 */
function signature(key, metadata, markdown, place) {
    const unsigned = commentBody({ ...metadata, signature: '' }, markdown);
    const message = (0,_plan_fingerprint_js__WEBPACK_IMPORTED_MODULE_1__/* .canonicalJson */ .dj)({ body: unsigned, repository: place.repository, pull_request: place.pullRequest, author: place.author });
    return (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHmac)('sha256', key).update(message).digest('hex');
}
/** The comment body, signed for the place it is written to. */
function signedBody(key, metadata, markdown, place) {
    const unsigned = { ...metadata, signature: '' };
    return commentBody({ ...unsigned, signature: signature(key, unsigned, markdown, place) }, markdown);
}
/**
 * The comment's metadata when the body is exactly as the action signed it for this place: the
 * block in its canonical form and the signature right. Any edit by anyone voids it.
 */
function verifiedBlock(key, body, place) {
    const read = readBlock(body);
    if (!read)
        return undefined;
    const { metadata, markdown } = read;
    if (commentBody(metadata, markdown) !== body)
        return undefined;
    const expected = Buffer.from(signature(key, metadata, markdown, place), 'hex');
    const given = Buffer.from(metadata.signature, 'hex');
    return given.length === expected.length && (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.timingSafeEqual)(given, expected) ? metadata : undefined;
}


/***/ }),

/***/ 5525:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   D5: () => (/* binding */ ownComments),
/* harmony export */   Y: () => (/* binding */ isForFile),
/* harmony export */   commentPlan: () => (/* binding */ commentPlan)
/* harmony export */ });
/* unused harmony export COMMENT_LIMIT */
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7532);
/* harmony import */ var _github_api_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8133);
/* harmony import */ var _plan_signature_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(671);
/* harmony import */ var _render_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(7055);
/* harmony import */ var _secrets_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(7194);
/* harmony import */ var _text_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(8992);






/** GitHub refuses a comment body over 65,536 characters (422). */
const COMMENT_LIMIT = 65_536;
/** pull_request or pull_request_target, read without loading octokit. */
function isPullRequestEvent() {
    return (process.env.GITHUB_EVENT_NAME ?? '').startsWith('pull_request');
}
/**
 * On a pull request, shows this run's plan (or why there is none) in one comment per numbers
 * file: the action's own, updated in place, never anyone else's. The comment is signed
 * (plan-signature.ts), names the head commit, links the run, and fits GitHub's limit: a plan too
 * long is shortened to its totals and first rows. A comment that cannot be written fails the
 * step: the pull request must never show an older plan as if it were this one.
 */
async function commentPlan(outcome, file, settings) {
    if (!settings.prComment || !isPullRequestEvent())
        return;
    const { context } = await Promise.all(/* import() */[__webpack_require__.e(413), __webpack_require__.e(757)]).then(__webpack_require__.bind(__webpack_require__, 2413));
    const pullRequest = context.payload.pull_request?.number;
    if (typeof pullRequest !== 'number')
        return;
    const fix = 'Give the job `permissions: { pull-requests: write }` and a github_token, or set pr_comment: false.';
    if (!settings.githubToken)
        throw new Error(`Could not write the plan comment on pull request #${pullRequest}: github_token is empty. ${fix}`);
    const head = context.payload.pull_request?.head?.sha ?? context.sha ?? '';
    const run = `${context.serverUrl}/${context.repo.owner}/${context.repo.repo}/actions/runs/${context.runId}`;
    const repository = `${context.repo.owner}/${context.repo.repo}`;
    const metadata = {
        kind: 'bolna-sip-trunk-number/plan',
        version: 1,
        file,
        status: outcome.status,
        dry_run: settings.dryRun,
        commit: head,
        fingerprint: outcome.status === 'planned' ? outcome.fingerprint : null,
        totals: outcome.plan ? outcome.plan.counts : null
    };
    const footer = `\n<sub>${outcomeLine(outcome.status, settings.dryRun)} Commit ${head.slice(0, 12) || 'unknown'} · [run ${context.runId}](${run})${metadata.fingerprint ? ` · plan ${metadata.fingerprint.slice(0, 16)}` : ''}</sub>\n`;
    // Redacted before it is signed: the step's secrets, in any encoding, never reach a comment.
    const markdown = (0,_secrets_js__WEBPACK_IMPORTED_MODULE_4__/* .redact */ .E$)(fitted(outcome, file, (0,_plan_signature_js__WEBPACK_IMPORTED_MODULE_2__/* .renderBlock */ .g8)({ ...metadata, signature: '0'.repeat(64) }), footer, run));
    try {
        const api = await _github_api_js__WEBPACK_IMPORTED_MODULE_1__/* .GitHubApi */ .y.connect({ token: settings.githubToken, timeoutMs: settings.timeoutMs, maxRetries: settings.maxRetries });
        const key = (0,_plan_signature_js__WEBPACK_IMPORTED_MODULE_2__/* .signingKey */ .NR)(settings.token);
        const place = (author) => ({ repository, pullRequest, author });
        const login = await api.login();
        const ours = ownComments(await api.comments(pullRequest), file, key, place, login);
        const earlier = ours.at(-1);
        // The signature names its author: where the token cannot say who it is, the answer to the write does.
        const author = login ?? earlier?.login ?? '';
        const body = (who) => (0,_plan_signature_js__WEBPACK_IMPORTED_MODULE_2__/* .signedBody */ .h8)(key, metadata, markdown, place(who));
        let written = earlier ? await api.updateComment(earlier.id, body(author), pullRequest) : await api.createComment(pullRequest, body(author));
        if (written.login && written.login !== author)
            written = await api.updateComment(written.id, body(written.login), pullRequest);
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`${earlier ? 'Updated' : 'Posted'} the plan comment on pull request #${pullRequest}.`);
        if (!earlier)
            await retireOlder(api, pullRequest, file, written);
    }
    catch (error) {
        const status = error instanceof _github_api_js__WEBPACK_IMPORTED_MODULE_1__/* .GitHubCallError */ ._ && error.status ? ` (${error.status})` : '';
        const hint = error instanceof _github_api_js__WEBPACK_IMPORTED_MODULE_1__/* .GitHubCallError */ ._ && (error.status === 403 || error.status === 404)
            ? fix
            : error instanceof _github_api_js__WEBPACK_IMPORTED_MODULE_1__/* .GitHubCallError */ ._ && error.status === 422
                ? 'GitHub refused the body.'
                : 'Re-run the job.';
        throw new Error(`Could not write the plan comment on pull request #${pullRequest}${status}, so it does not show this run's plan: ${(0,_text_js__WEBPACK_IMPORTED_MODULE_5__/* .messageOf */ .bD)(error)}. ${hint}`);
    }
}
/**
 * The action's own comments for `file`, oldest first. Own means written by `login`, where the
 * token says who it is; else by an account that has written a comment this action signed (only
 * a holder of the signing key can sign, and a signature names its author). A login is never guessed.
 * Comments whose block cannot be read count as the file's (an edit may have broken it), so that
 * they void a review rather than hide.
 */
function ownComments(comments, file, key, place, login) {
    const forFile = comments.filter(c => isForFile(c, file));
    const authors = login ? new Set([login]) : new Set(forFile.filter(c => (0,_plan_signature_js__WEBPACK_IMPORTED_MODULE_2__/* .verifiedBlock */ .cU)(key, c.body, place(c.login))).map(c => c.login));
    return forFile.filter(c => authors.has(c.login)).sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id - b.id));
}
/**
 * Where no earlier comment could be told to be the action's (the token cannot say who it is, and
 * none is signed as written, e.g. after an edit), the answer to the post names the account: its
 * older comments for the file are the action's, and now say that they are replaced, so that the
 * pull request shows one plan.
 */
async function retireOlder(api, pullRequest, file, written) {
    const comments = await api.comments(pullRequest);
    const older = comments.filter(c => c.id !== written.id && c.login === written.login && isForFile(c, file));
    for (const comment of older) {
        await api.updateComment(comment.id, `_This plan comment for \`${file.replace(/`/g, "'")}\` is replaced by a newer one below._\n`, pullRequest);
    }
}
/** A comment that starts as the action's plan comments do and names the file (or cannot say which file: an edit may have broken it). */
function isForFile(comment, file) {
    return (0,_plan_signature_js__WEBPACK_IMPORTED_MODULE_2__/* .looksLikePlanComment */ .Ib)(comment.body) && ((0,_plan_signature_js__WEBPACK_IMPORTED_MODULE_2__/* .readBlock */ .Gr)(comment.body)?.metadata.file ?? file) === file;
}
function bytes(text) {
    return Buffer.byteLength(text, 'utf8');
}
/**
 * The Markdown of the comment, within GitHub's limit however it counts (measured in UTF-8
 * bytes, never fewer than characters or UTF-16 units): the whole plan, or its totals and as many
 * first rows as fit, saying where the whole plan is.
 */
function fitted(outcome, file, block, footer, run) {
    const render = (maxRows) => {
        const plan = outcome.plan && (0,_render_js__WEBPACK_IMPORTED_MODULE_3__/* .planMarkdown */ .Xg)(outcome.plan, file, maxRows);
        // The reason is redacted before Markdown escapes it too: `ghs\_…` is no spelling of a secret that redact knows, yet GitHub shows it as `ghs_…`.
        return outcome.status === 'planned' && plan ? plan : failedPlanMarkdown(file, outcome.status === 'planned' ? '' : (0,_secrets_js__WEBPACK_IMPORTED_MODULE_4__/* .redact */ .E$)(outcome.reason), plan);
    };
    const budget = COMMENT_LIMIT - bytes(`${block}\n`);
    const whole = `${render(Number.POSITIVE_INFINITY)}${footer}`;
    if (bytes(whole) <= budget)
        return whole;
    const note = `\n> This plan is too long for one comment: it shows the totals and the first rows. The whole plan is in [the run's summary](${run}) and in the step's \`plan_file\` output.\n`;
    const fits = (rows) => bytes(render(rows)) + bytes(note) + bytes(footer) <= budget;
    let [low, high] = [0, whole.split('\n').length];
    if (!fits(0))
        return `${cut(render(0), budget - bytes(note) - bytes(footer))}${note}${footer}`;
    while (low < high) {
        const mid = Math.ceil((low + high) / 2);
        if (fits(mid))
            low = mid;
        else
            high = mid - 1;
    }
    return `${render(low)}${note}${footer}`;
}
/** The text cut to at most `budget` UTF-8 bytes, on a character boundary. */
function cut(text, budget) {
    const characters = [...text];
    let size = bytes(text);
    while (size > budget - bytes('…') && characters.length > 0)
        size -= bytes(characters.pop());
    return `${characters.join('')}…`;
}
/** What the run did with the plan, as the footer says it: a blocked run wrote nothing; a failed one may have written some. */
function outcomeLine(status, dryRun) {
    if (dryRun)
        return 'Dry run: nothing was changed.';
    if (status === 'blocked')
        return 'Blocked: nothing was changed.';
    return status === 'failed' ? 'This run failed: its job summary says what was written.' : 'Applied by this run.';
}
/** The PR comment of a run that made no plan, or whose plan is blocked. */
function failedPlanMarkdown(file, reason, plan) {
    const name = file.replace(/`/g, "'");
    const heading = `### Bolna numbers: plan for \`${name}\`: ${plan ? 'blocked' : 'failed'}`;
    const body = plan ? plan.replace(/^### .*\n/, '') : 'No plan was made: fix the problem (see the job summary and the annotations) and push again.\n';
    return `${heading}\n\n**${(0,_render_js__WEBPACK_IMPORTED_MODULE_3__/* .cell */ .Hn)(reason.split('\n')[0] ?? reason)}**\n\n${body}`;
}


/***/ })

};
