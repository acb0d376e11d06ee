export const id = 525;
export const ids = [525];
export const modules = {

/***/ 5525:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   commentPlan: () => (/* binding */ commentPlan),
/* harmony export */   findReviewedPlan: () => (/* binding */ findReviewedPlan)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7532);

/** pull_request or pull_request_target, read without loading octokit. */
function isPullRequestEvent() {
    return (process.env.GITHUB_EVENT_NAME ?? '').startsWith('pull_request');
}
const COMMENT_MARKER_PREFIX = '<!-- bolna-sip-trunk-number plan:';
/**
 * Posts the plan on the pull request, or updates the comment an earlier run posted: one that
 * carries the marker naming the file and was written by the same account (github-actions[bot]
 * for GITHUB_TOKEN), never anyone else's. The comment names the commit, links the run and says
 * when it is a dry run. `@actions/github` is loaded only here, so runs that write no comment do
 * not pay for octokit. Any failure is a warning: a missing permission must not fail a plan.
 */
async function commentPlan(markdown, file, githubToken, dryRun, fingerprint) {
    if (!isPullRequestEvent())
        return;
    const github = await Promise.all(/* import() */[__webpack_require__.e(413), __webpack_require__.e(757)]).then(__webpack_require__.bind(__webpack_require__, 2413));
    const { context } = github;
    const pullRequest = context.payload.pull_request?.number;
    if (typeof pullRequest !== 'number')
        return;
    if (!githubToken) {
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e('No github_token, so the plan was not posted on the pull request.');
        return;
    }
    const marker = markerOf(file);
    const stamp = fingerprint ? `${FINGERPRINT_PREFIX} ${fingerprint} -->\n` : '';
    const body = `${marker}\n${stamp}${markdown}\n${footer(context, dryRun, fingerprint)}`;
    try {
        const octokit = github.getOctokit(githubToken);
        const where = { ...context.repo, issue_number: pullRequest };
        const comments = await octokit.paginate(octokit.rest.issues.listComments, { ...where, per_page: 100 });
        const earlier = await ourComment(octokit, comments, marker);
        if (earlier) {
            await octokit.rest.issues.updateComment({ ...context.repo, comment_id: earlier.id, body });
            _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`Updated the plan comment on pull request #${pullRequest}.`);
        }
        else {
            await octokit.rest.issues.createComment({ ...where, body });
            _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`Posted the plan on pull request #${pullRequest}.`);
        }
    }
    catch (error) {
        const status = error.status;
        const hint = status === 403 || status === 404 ? ' Give the job `permissions: { pull-requests: write }`.' : status ? '' : ` (${firstLine(error)})`;
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(`Could not write the plan comment on pull request #${pullRequest}${status ? ` (${status})` : ''}.${hint}`);
    }
}
const FINGERPRINT_PREFIX = '<!-- bolna-sip-trunk-number fingerprint:';
/** The hidden first line that finds this file's comment again. */
function markerOf(file) {
    return `${COMMENT_MARKER_PREFIX} ${JSON.stringify(file).replace(/--/g, '-\\u002d')} -->`;
}
/** The comment with the file's marker that the token's own account wrote, if any. */
async function ourComment(octokit, comments, marker) {
    const author = await commenter(octokit);
    return comments.find(comment => comment.body?.startsWith(marker) && comment.user?.login === author);
}
/** The commit the plan is for, a link to the run, whether it was a dry run, and the plan's fingerprint. */
function footer(context, dryRun, fingerprint) {
    const sha = context.payload.pull_request?.head?.sha ?? context.sha ?? '';
    const run = `${context.serverUrl}/${context.repo.owner}/${context.repo.repo}/actions/runs/${context.runId}`;
    const mode = dryRun ? 'Dry run: nothing was changed.' : 'Applied by this run.';
    const print = fingerprint ? ` · plan ${fingerprint}` : '';
    return `\n<sub>${mode} Commit ${sha.slice(0, 12) || 'unknown'} · [run ${context.runId}](${run})${print}</sub>\n`;
}
/**
 * On a push, the plan that was reviewed: the pull request merged as this commit, and the plan
 * comment this action left on it (by the same account). A string says why there is none.
 */
async function findReviewedPlan(file, githubToken) {
    if (!githubToken)
        return "require_reviewed_plan needs github_token (with pull-requests: read) to read the pull request's plan";
    const github = await Promise.all(/* import() */[__webpack_require__.e(413), __webpack_require__.e(757)]).then(__webpack_require__.bind(__webpack_require__, 2413));
    const { context } = github;
    try {
        const octokit = github.getOctokit(githubToken);
        const { data: pulls } = await octokit.rest.repos.listPullRequestsAssociatedWithCommit({ ...context.repo, commit_sha: context.sha });
        const merged = pulls.find(pull => pull.merged_at && pull.merge_commit_sha === context.sha) ?? pulls.find(pull => pull.merged_at);
        if (!merged)
            return `no merged pull request has commit ${context.sha.slice(0, 12)}, so no plan was reviewed for it`;
        const comments = await octokit.paginate(octokit.rest.issues.listComments, { ...context.repo, issue_number: merged.number, per_page: 100 });
        const comment = await ourComment(octokit, comments, markerOf(file));
        const body = comment?.body ?? '';
        const fingerprint = body.split('\n', 2)[1]?.match(/^<!-- bolna-sip-trunk-number fingerprint: ([0-9a-f]+) -->$/)?.[1];
        if (!fingerprint)
            return `pull request #${merged.number} has no plan comment for ${JSON.stringify(file)} from this action (a plan that failed or was blocked is not a reviewed plan)`;
        const totals = body.match(/\*\*(Plan: [^*]*?)\.?\*\*/)?.[1] ?? 'its totals are not readable';
        return { pullRequest: merged.number, fingerprint, totals };
    }
    catch (error) {
        const status = error.status;
        return `reading the pull request's plan failed${status ? ` (${status}; the job needs permissions: { contents: read, pull-requests: read })` : ` (${firstLine(error)})`}`;
    }
}
/**
 * The login the token comments as: the token's own user, or (GITHUB_TOKEN, which cannot read
 * its user) github-actions[bot].
 */
async function commenter(octokit) {
    try {
        return (await octokit.rest.users.getAuthenticated()).data.login;
    }
    catch {
        return 'github-actions[bot]';
    }
}
function firstLine(error) {
    return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}


/***/ })

};
