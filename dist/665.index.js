export const id = 665;
export const ids = [665];
export const modules = {

/***/ 3665:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   checkApi: () => (/* binding */ checkApi),
/* harmony export */   checkMarkdown: () => (/* binding */ checkMarkdown),
/* harmony export */   checkText: () => (/* binding */ checkText)
/* harmony export */ });
/* unused harmony exports shownValue, masked, checkRows, REPORT_HOW */
/* harmony import */ var _bolna_agents_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(5748);
/* harmony import */ var _bolna_answers_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2271);
/* harmony import */ var _bolna_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1005);
/* harmony import */ var _bolna_paths_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(8688);
/* harmony import */ var _bolna_shape_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(3569);
/* harmony import */ var _bolna_sip_trunks_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(8822);
/* harmony import */ var _bolna_trunk_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(974);
/* harmony import */ var _render_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(7055);
/* harmony import */ var _text_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(8992);









/**
 * The contract check: reads what the action reads from Bolna (the trunk lists, the trunk objects,
 * one agent) and checks each answer against the same zod schemas the client parses with. It never
 * writes. Each difference from our reading of the API (shared/bolna-api.md) names the emulator
 * option (test/emulator/, one per row of the reference's §5) that reproduces it, where one does.
 */
/** Fields shared/bolna-api.md documents that the action does not read: sent, they are known, not "unknown". */
const LEGACY_TRUNK = [
    'id',
    'name',
    'provider',
    'description',
    'auth_type',
    'auth_username',
    'gateways',
    'ip_identifiers',
    'phone_numbers',
    'allow',
    'disallow',
    'transport',
    'direct_media',
    'rtp_symmetric',
    'force_rport',
    'media_encryption',
    'media_encryption_optimistic',
    'qualify_frequency',
    'inbound_enabled',
    'outbound_leading_plus_enabled',
    'is_active',
    'created_at',
    'updated_at',
    'ice_support'
];
// `agent_id` and `user_id` appear only in an unmerged PR's "Complete Phone Number Object" (§2.4, U-S10).
const LEGACY_NUMBER = ['id', 'phone_number', 'name', 'byot_trunk_id', 'telephony_provider', 'deleted', 'created_at', 'updated_at', 'agent_id', 'user_id'];
const TRUNK = [
    'id',
    'name',
    'description',
    'preset',
    'is_active',
    'inbound_enabled',
    'outbound_enabled',
    'channels',
    'default_inbound_agent_id',
    'auth_username',
    'transport',
    'outbound_leading_plus_enabled',
    'codecs',
    'gateways',
    'ip_acls',
    'numbers',
    'health',
    'active_calls'
];
const TRUNK_NUMBER = [
    'id',
    'trunk_id',
    'e164',
    'destination_key',
    'agent_id',
    'last_inbound_at',
    'last_outbound_at',
    'created_at',
    'updated_at',
    'is_deleted',
    'deleted_at'
];
const AGENT = ['id', 'agent_name', 'agent_type', 'agent_status', 'created_at', 'updated_at', 'tasks', 'ingest_source_config', 'agent_prompts'];
/** Bolna's answer to a key it does not know (§4.1): the check cannot run, and says so, but it is no difference. */
const BAD_KEY = 'Unrecognized access token';
/** Ids of trunks that cannot exist, read for the shape of a 404 answer. */
const NO_SUCH_TRUNK = { 'sip-trunks': 'contract-check-no-such-trunk', trunk: '00000000-0000-4000-8000-000000000000' };
/** The shape of a trunk's 404 answer in our reading: the OpenAPI's `Error` (legacy), FastAPI's `detail` (`/trunk`). */
const NOT_FOUND_SHAPE = { 'sip-trunks': '{error: number, message: string}', trunk: '{detail: string}' };
/** Runs the read-only check: GET requests only. */
async function checkApi(http, request) {
    const report = { calls: [], differences: [], failed: 0 };
    const encodings = new Set();
    const read = async (path) => {
        const call = `GET ${path}`;
        try {
            const answer = await http.request('GET', path, undefined, 'idempotent');
            if (answer.encoding)
                encodings.add(answer.encoding);
            return answer;
        }
        catch (error) {
            report.failed++;
            const status = error instanceof _bolna_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .BolnaApiError */ .f7 && error.status !== undefined ? String(error.status) : 'no answer';
            const check = { call, status, fields: [], unknown: [], notes: [(0,_text_js__WEBPACK_IMPORTED_MODULE_6__/* .messageOf */ .bD)(error)] };
            report.calls.push(check);
            // A wrong key is the user's to fix; a 403 for a key Bolna knows is an answer worth reporting (§5 "403").
            if (error instanceof _bolna_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .BolnaApiError */ .f7 && error.kind === 'forbidden' && error.details.reason !== BAD_KEY) {
                report.differences.push({
                    call,
                    what: `refused (${status}): ${error.details.reason ?? 'no reason given'}`,
                    option: "forbidden: 'not-authorised'",
                    field: false
                });
            }
            return check;
        }
    };
    const families = [...new Set(request.trunks.map(t => t.api))];
    for (const api of families) {
        const prefix = api === 'trunk' ? '/trunk' : '/sip-trunks';
        // The list's trunks may hold their numbers under either key: the trunk object's check says which.
        const known = api === 'trunk' ? { '[].': [...TRUNK, 'phone_numbers'] } : { '[].': LEGACY_TRUNK };
        const list = await read(`${prefix}/trunks`);
        if (!('fields' in list))
            report.calls.push(answered(`GET ${prefix}/trunks`, list, _bolna_answers_js__WEBPACK_IMPORTED_MODULE_1__/* .trunkIdList */ .Wi, known, report.differences, api));
        for (const trunk of request.trunks.filter(t => t.api === api))
            await checkTrunk(trunk, read, report);
        await checkNotFound(api, http, report);
    }
    if (request.agentId !== undefined) {
        const path = `/v2/agent/${(0,_bolna_paths_js__WEBPACK_IMPORTED_MODULE_7__/* .segment */ .mX)(request.agentId)}`;
        const agent = await read(path);
        if (!('fields' in agent))
            report.calls.push(answered(`GET ${path}`, agent, _bolna_agents_js__WEBPACK_IMPORTED_MODULE_0__/* .agentRecord */ .PW, { '': AGENT }, report.differences, undefined));
    }
    if (encodings.size > 0) {
        const kinds = [...encodings].join(', ');
        report.differences.push({
            call: 'every answer',
            what: `compressed (Content-Encoding: ${kinds}) though none was asked for`,
            option: `compression: '${kinds}'`,
            field: false
        });
    }
    return report;
}
async function checkTrunk(trunk, read, report) {
    const base = `/${trunk.api === 'trunk' ? 'trunk' : 'sip-trunks'}/trunks/${(0,_bolna_paths_js__WEBPACK_IMPORTED_MODULE_7__/* .segment */ .mX)(trunk.id)}`;
    const answer = await read(base);
    if (!('fields' in answer)) {
        if (trunk.api === 'trunk') {
            report.calls.push(trunkObject(`GET ${base}`, answer, report.differences));
        }
        else {
            report.calls.push(answered(`GET ${base}`, answer, _bolna_sip_trunks_js__WEBPACK_IMPORTED_MODULE_3__/* .trunkRecord */ .E1, { '': LEGACY_TRUNK, 'phone_numbers[].': LEGACY_NUMBER }, report.differences, trunk.api));
        }
    }
    if (trunk.api === 'sip-trunks') {
        // The action lists the numbers when the trunk object has none: this read is the action's too.
        const numbers = await read(`${base}/numbers`);
        if (!('fields' in numbers))
            report.calls.push(answered(`GET ${base}/numbers`, numbers, _bolna_sip_trunks_js__WEBPACK_IMPORTED_MODULE_3__/* .records */ .V0, { '[].': LEGACY_NUMBER }, report.differences, trunk.api));
    }
}
/** A `/trunk` trunk object: its numbers under `numbers`, or (§5) under `phone_numbers`, checked as the same list. */
function trunkObject(call, answer, differences) {
    const body = answer.body;
    const aliased = isRecord(body) && !('numbers' in body) && Array.isArray(body.phone_numbers);
    if (!aliased)
        return answered(call, answer, _bolna_trunk_js__WEBPACK_IMPORTED_MODULE_4__/* .trunkRecord */ .E1, { '': TRUNK, 'numbers[].': TRUNK_NUMBER }, differences, 'trunk');
    const { phone_numbers, ...rest } = body;
    const check = answered(call, { ...answer, body: { ...rest, numbers: phone_numbers } }, _bolna_trunk_js__WEBPACK_IMPORTED_MODULE_4__/* .trunkRecord */ .E1, { '': TRUNK, 'numbers[].': TRUNK_NUMBER }, differences, 'trunk');
    const numbers = check.fields.find(f => f.field === 'numbers');
    if (numbers)
        numbers.state = 'missing';
    check.notes.push('the numbers are under "phone_numbers", not "numbers"');
    differences.push({ call, what: 'numbers: under "phone_numbers", not "numbers"', option: "trunkNumbersKey: 'phone_numbers'", field: true });
    return check;
}
/** A 2xx answer checked against its schema; its differences added to `differences`. */
function answered(call, answer, schema, known, differences, api) {
    const shape = (0,_bolna_shape_js__WEBPACK_IMPORTED_MODULE_8__/* .checkShape */ .e)(schema, answer.body, known);
    const check = { call, status: String(answer.status), fields: shape.fields, unknown: shape.unknown, notes: [] };
    const isList = call.endsWith('/trunks') || call.endsWith('/numbers');
    if (isList) {
        const envelope = isRecord(answer.body) && Array.isArray(answer.body.data);
        check.notes.push(envelope ? 'a list in {"data": [...]}' : Array.isArray(answer.body) ? 'a bare list' : 'not a list');
        if (envelope)
            differences.push({ call, what: 'a list in {"data": [...]}, not a bare array', option: "listShape: 'envelope'", field: false });
    }
    for (const f of shape.fields) {
        if (f.state !== 'found') {
            const what = `${f.field}: ${f.state}${f.of > 1 ? ` in ${f.of - f.found} of ${f.of} records` : ''}${f.state === 'other type' ? ` (${typeName(f.sample)})` : ''}`;
            differences.push({ call, what, ...optionFor(api, f.field, f.state), field: true });
        }
        else if (f.container && f.of > 0 && f.nulls === f.of) {
            differences.push({ call, what: `${f.field}: null`, ...optionFor(api, f.field, 'null'), field: false });
        }
    }
    for (const field of shape.unknown)
        differences.push({ call, what: `${field}: a field Bolna's documentation does not name`, field: false });
    return check;
}
/** The emulator option for a field that differs, where there is one (test/emulator/README.md, "§5"). */
function optionFor(api, field, state) {
    const last = field
        .split(/[.[\]]+/)
        .filter(Boolean)
        .pop();
    if (api === 'sip-trunks' && field === 'phone_numbers')
        return { option: `legacyTrunkNumbers: '${state === 'null' ? 'null' : 'omitted'}'` };
    if (api === 'sip-trunks' && state === 'missing' && last === 'name')
        return { option: "legacyName: 'absent'" };
    if (api === 'sip-trunks' && state === 'missing' && last === 'agent_id')
        return { option: "legacyAgentId: 'absent'" };
    if (api === 'trunk' && state === 'missing' && field === 'numbers[].agent_id')
        return { option: "trunkNumberAgentId: 'absent'" };
    if (api === 'trunk' && state === 'missing' && field === 'numbers[].destination_key')
        return { option: "trunkNumberDestinationKey: 'absent'" };
    return {};
}
/** Reads a trunk that cannot exist, for the shape of Bolna's 404 answer (§5 "404 bodies"). */
async function checkNotFound(api, http, report) {
    const path = `/${api === 'trunk' ? 'trunk' : 'sip-trunks'}/trunks/${NO_SUCH_TRUNK[api]}`;
    const call = `GET ${path}`;
    let shape;
    let status;
    try {
        const answer = await http.request('GET', path, undefined, 'idempotent');
        status = String(answer.status);
        shape = 'a trunk';
    }
    catch (error) {
        if (!(error instanceof _bolna_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .BolnaApiError */ .f7) || error.status === undefined || error.kind === 'forbidden') {
            // Refused or unanswered like every other read: said there, not twice.
            report.calls.push({
                call,
                status: error instanceof _bolna_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .BolnaApiError */ .f7 && error.status ? String(error.status) : 'no answer',
                fields: [],
                unknown: [],
                notes: [(0,_text_js__WEBPACK_IMPORTED_MODULE_6__/* .messageOf */ .bD)(error)]
            });
            return;
        }
        status = String(error.status);
        shape = bodyShape(error.details.body ?? '');
    }
    const expected = NOT_FOUND_SHAPE[api];
    report.calls.push({ call, status, fields: [], unknown: [], notes: [`a trunk id that cannot exist: the answer is ${shape}`] });
    if (status !== '404')
        report.differences.push({ call, what: `a trunk id that cannot exist answered ${status}, not 404`, field: false });
    else if (shape !== expected)
        report.differences.push({ call, what: `the 404 body is ${shape}, not ${expected}`, option: "notFoundBodies: 'generic'", field: false });
}
/** `{detail: string}`: the keys of a JSON object answer and the kinds of their values (never the values). */
function bodyShape(text) {
    let parsed;
    try {
        parsed = JSON.parse(text);
    }
    catch {
        return text.trim() ? 'not JSON' : 'empty';
    }
    if (!isRecord(parsed))
        return `JSON ${typeName(parsed)}`;
    const keys = Object.keys(parsed).sort();
    return `{${keys.map(key => `${key}: ${typeName(parsed[key])}`).join(', ')}}`;
}
function typeName(value) {
    if (value === null)
        return 'null';
    if (Array.isArray(value))
        return 'list';
    return typeof value === 'object' ? 'object' : typeof value;
}
function isRecord(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
/** Keys whose values are shown: labels of Bolna's own vocabulary, not user data. */
const SHOWN_VALUES = new Set(['provider', 'task_type', 'transport', 'health', 'preset', 'auth_type', 'telephony_provider']);
const PHONE_FIELDS = new Set(['phone_number', 'e164', 'destination_key']);
/**
 * A value as the report may show it: ids in full, phone numbers masked but for their last 4
 * digits, booleans, numbers and Bolna's own labels as they are, any other text as its length.
 */
function shownValue(field, value) {
    const key = field
        .split(/[.[\]]+/)
        .filter(Boolean)
        .pop() ?? field;
    if (value === undefined)
        return '';
    if (PHONE_FIELDS.has(key) && (typeof value === 'string' || typeof value === 'number'))
        return masked(String(value));
    if (value === null || typeof value === 'boolean')
        return String(value);
    if (typeof value === 'number')
        return PHONE_FIELDS.has(key) ? masked(String(value)) : String(value);
    if (typeof value === 'string') {
        if (key === 'id' || key.endsWith('_id') || SHOWN_VALUES.has(key))
            return JSON.stringify(value.slice(0, 80));
        return `text (${value.length} characters)`;
    }
    return Array.isArray(value) ? `list of ${value.length}` : 'object';
}
/** Every digit but the last 4 as "•"; anything else dropped but a leading "+". */
function masked(number) {
    const digits = number.replace(/\D/g, '');
    const kept = digits.slice(-4);
    return `${number.trim().startsWith('+') ? '+' : ''}${'•'.repeat(Math.max(0, digits.length - kept.length))}${kept}`;
}
/** The table's rows: call, status, field, result, value (one row per field, note and unknown list). */
function checkRows(report) {
    const rows = [];
    for (const c of report.calls) {
        const start = rows.length;
        const push = (cells) => {
            rows.push(rows.length === start ? [c.call, c.status, ...cells] : ['', '', ...cells]);
        };
        for (const note of c.notes)
            push(['(answer)', note, '']);
        for (const f of c.fields)
            push([f.field, resultOf(f), f.state === 'missing' ? '' : shownValue(f.field, f.sample)]);
        if (c.unknown.length > 0)
            push(['(unknown fields)', c.unknown.join(', '), '']);
        if (rows.length === start)
            push(['', '', '']);
    }
    return rows;
}
function resultOf(f) {
    const optional = f.required ? '' : ' (optional: read as unknown)';
    if (f.of === 0)
        return 'not seen (no records)';
    const count = f.of > 1 ? ` (${f.state === 'found' ? f.found : f.of - f.found} of ${f.of})` : '';
    if (f.state === 'found')
        return `found${count}`;
    return f.state === 'missing' ? `MISSING${count}${optional}` : `OTHER TYPE${count}${optional}`;
}
const HEADINGS = ['call', 'status', 'field', 'result', 'value (redacted)'];
function headline(report) {
    const n = report.differences.length;
    const failed = report.failed > 0 ? `; ${report.failed} read(s) failed, so the check is incomplete` : '';
    return `Bolna API check: ${n === 0 ? 'no difference' : `${n} difference(s)`} from the action's reading of the API${failed}.`;
}
/** The report for the job summary (Markdown, every value escaped). */
function checkMarkdown(report) {
    const line = (cells) => `| ${cells.map(text => (0,_render_js__WEBPACK_IMPORTED_MODULE_5__/* .cell */ .Hn)(text)).join(' | ')} |`;
    const parts = [
        `### ${(0,_render_js__WEBPACK_IMPORTED_MODULE_5__/* .cell */ .Hn)(headline(report))}`,
        '',
        'Read-only: GET requests only, nothing was sent to change anything. Ids are shown in full, phone numbers masked but for their last 4 digits, other text as its length.',
        '',
        line(HEADINGS),
        `|${HEADINGS.map(() => ' --- ').join('|')}|`,
        ...checkRows(report).map(line)
    ];
    if (report.differences.length > 0) {
        parts.push('', '#### Differences', '', line(['call', 'difference', 'emulator option']), '| --- | --- | --- |');
        for (const d of report.differences)
            parts.push(line([d.call, d.what, d.option ?? '(none yet)']));
        parts.push('', `Please report them: ${REPORT_HOW}`);
    }
    return `${parts.join('\n')}\n`;
}
/** The same report as plain text, for a terminal (`npm run contract`). */
function checkText(report) {
    const rows = [HEADINGS, ...checkRows(report)];
    const widths = HEADINGS.map((_, i) => Math.min(60, Math.max(...rows.map(r => (r[i] ?? '').length))));
    const text = rows.map(r => r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd());
    const lines = [headline(report), '', ...text];
    if (report.differences.length > 0) {
        lines.push('', 'Differences:');
        for (const d of report.differences)
            lines.push(`  ${d.call}: ${d.what}${d.option ? `  [emulator option ${d.option}]` : ''}`);
        lines.push('', `Please report them: ${REPORT_HOW}`);
    }
    return `${lines.join('\n')}\n`;
}
const REPORT_HOW = 'open an issue with this table (it holds no secret and no full number), see docs/api-check.md.';


/***/ })

};
