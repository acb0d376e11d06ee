export const id = 386;
export const ids = [386];
export const modules = {

/***/ 5386:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   commentPlan: () => (/* binding */ commentPlan)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7129);

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
async function commentPlan(markdown, file, githubToken, dryRun) {
    if (!isPullRequestEvent())
        return;
    const github = await Promise.all(/* import() */[__webpack_require__.e(221), __webpack_require__.e(382)]).then(__webpack_require__.bind(__webpack_require__, 7221));
    const { context } = github;
    const pullRequest = context.payload.pull_request?.number;
    if (typeof pullRequest !== 'number')
        return;
    if (!githubToken) {
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e('No github_token, so the plan was not posted on the pull request.');
        return;
    }
    const marker = `${COMMENT_MARKER_PREFIX} ${JSON.stringify(file).replace(/--/g, '-\\u002d')} -->`;
    const body = `${marker}\n${markdown}\n${footer(context, dryRun)}`;
    try {
        const octokit = github.getOctokit(githubToken);
        const where = { ...context.repo, issue_number: pullRequest };
        const comments = await octokit.paginate(octokit.rest.issues.listComments, { ...where, per_page: 100 });
        const author = await commenter(octokit);
        const earlier = comments.find(comment => comment.body?.startsWith(marker) && comment.user?.login === author);
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
/** The commit the plan is for, a link to the run, and whether it was a dry run. */
function footer(context, dryRun) {
    const sha = context.payload.pull_request?.head?.sha ?? context.sha ?? '';
    const run = `${context.serverUrl}/${context.repo.owner}/${context.repo.repo}/actions/runs/${context.runId}`;
    const mode = dryRun ? 'Dry run: nothing was changed.' : 'Applied by this run.';
    return `\n<sub>${mode} Commit ${sha.slice(0, 12) || 'unknown'} · [run ${context.runId}](${run})</sub>\n`;
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
