export const id = 211;
export const ids = [211];
export const modules = {

/***/ 4211:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   readNumbersFile: () => (/* binding */ readNumbersFile)
/* harmony export */ });
/* unused harmony export parseNumbersFile */
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var js_yaml__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3555);
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(9347);
/* harmony import */ var _bolna_paths_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(3305);
/* harmony import */ var _bolna_port_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7774);
/* harmony import */ var _phone_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(5380);
/* harmony import */ var _text_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(5671);







const text = (max) => zod__WEBPACK_IMPORTED_MODULE_3__/* .string */ .YjP({ error: issue => (issue.input === undefined ? 'is required' : 'must be a string (quote it)') })
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine(_text_js__WEBPACK_IMPORTED_MODULE_4__/* .isOneLine */ .Pf, _text_js__WEBPACK_IMPORTED_MODULE_4__/* .ONE_LINE */ .St);
const flag = zod__WEBPACK_IMPORTED_MODULE_3__/* .boolean */ .zMY({ error: 'must be true or false' });
const api = zod__WEBPACK_IMPORTED_MODULE_3__/* ["enum"] */ .k5n(_bolna_port_js__WEBPACK_IMPORTED_MODULE_2__/* .TRUNK_API_NAMES */ .R2, { error: `must be one of: ${_bolna_port_js__WEBPACK_IMPORTED_MODULE_2__/* .TRUNK_API_NAMES */ .R2.join(', ')}` });
const agentId = text(200).refine(value => !(0,_bolna_paths_js__WEBPACK_IMPORTED_MODULE_5__/* .isDotSegment */ .DH)(value), 'cannot be "." or ".."');
const numberEntry = zod__WEBPACK_IMPORTED_MODULE_3__/* .strictObject */ .rej({
    phone_number: zod__WEBPACK_IMPORTED_MODULE_3__/* .string */ .YjP({
        error: issue => issue.input === undefined ? 'is required' : 'must be a quoted string, e.g. "919876543210" (unquoted, YAML reads a number and drops a leading + or 0)'
    })
        .transform(value => value.trim()),
    name: text(255).optional(),
    e164_check_enabled: flag.optional(),
    destination_key: text(64).regex(_phone_js__WEBPACK_IMPORTED_MODULE_6__/* .DESTINATION_KEY */ .PU, 'must have no spaces (the called number as your carrier sends it)').optional(),
    // null: no agent answers it (the mapping is removed); left out: the mapping is left as it is.
    agent_id: agentId.nullable().optional()
});
const fileSchema = zod__WEBPACK_IMPORTED_MODULE_3__/* .strictObject */ .rej({
    version: zod__WEBPACK_IMPORTED_MODULE_3__/* .literal */ .euz(1, { error: 'must be 1' }),
    defaults: zod__WEBPACK_IMPORTED_MODULE_3__/* .strictObject */ .rej({ api: api.optional(), e164_check_enabled: flag.optional() }).optional(),
    trunks: zod__WEBPACK_IMPORTED_MODULE_3__/* .array */ .YOg(zod__WEBPACK_IMPORTED_MODULE_3__/* .strictObject */ .rej({
        trunk_id: text(200).refine(value => !(0,_bolna_paths_js__WEBPACK_IMPORTED_MODULE_5__/* .isDotSegment */ .DH)(value), 'cannot be "." or ".."'),
        api: api.optional(),
        prune: flag.optional(),
        numbers: zod__WEBPACK_IMPORTED_MODULE_3__/* .array */ .YOg(numberEntry, { error: 'must be a list of numbers' })
    }), { error: 'must be a list of trunks' })
        .min(1, 'must list at least one trunk')
});
/** Reads and checks the whole file; every problem is reported, and nothing is written on any. */
async function readNumbersFile(path, secrets, defaultApi) {
    let source;
    try {
        source = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readFile)(path, 'utf8');
    }
    catch (error) {
        const code = error.code;
        const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (code ?? 'unreadable');
        return { ok: false, problems: [{ message: `cannot read the numbers file: ${why}` }] };
    }
    if (secrets.foundIn(source)) {
        // Not echoed: every line that holds it would repeat the key in the log.
        return { ok: false, problems: [{ message: 'the numbers file contains the Bolna API key: remove it from the repository and rotate the key' }] };
    }
    return parseNumbersFile(source, defaultApi);
}
/**
 * Parses and checks the file. The common case, a clean file, is read with js-yaml, which is
 * about four times faster to load and parse; the `yaml` library, which knows every node's
 * line, is loaded only to report problems, and for files with anchors, aliases or tags (whose
 * aliases it caps: no "billion laughs").
 */
async function parseNumbersFile(source, defaultApi = 'sip-trunks') {
    let positions;
    let value = quickLoad(source);
    if (value === FAILED) {
        positions = await readPositions(source);
        if ('problems' in positions)
            return { ok: false, problems: positions.problems };
        value = positions.value;
    }
    const checked = checkFile(value, defaultApi);
    if ('desired' in checked)
        return { ok: true, desired: checked.desired };
    positions ??= await readPositions(source);
    if ('problems' in positions)
        return { ok: false, problems: positions.problems };
    const { lineOf } = positions;
    const problems = checked.findings.map(f => ({
        line: lineOf(f.path, f.key),
        message: f.first ? `${f.message} (first on line ${lineOf(f.first)})` : f.message
    }));
    return { ok: false, problems: problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)) };
}
const FAILED = Symbol('not loaded');
/** js-yaml (YAML 1.2 core schema), for plain files; FAILED sends the file down the careful path. */
function quickLoad(source) {
    if (/[&*!]/.test(source))
        return FAILED;
    try {
        return (0,js_yaml__WEBPACK_IMPORTED_MODULE_1__/* .load */ .Hh)(source, { schema: js_yaml__WEBPACK_IMPORTED_MODULE_1__/* .CORE_SCHEMA */ .OU });
    }
    catch {
        return FAILED;
    }
}
/** The `yaml` library's reading: every syntax problem with its line, and the line of any node. */
async function readPositions(source) {
    const { LineCounter, parseDocument } = await __webpack_require__.e(/* import() */ 207).then(__webpack_require__.t.bind(__webpack_require__, 7207, 19));
    const lines = new LineCounter();
    const doc = parseDocument(source, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
    const lineAt = (offset) => (offset === undefined ? undefined : lines.linePos(offset).line);
    if (doc.errors.length > 0) {
        return { problems: doc.errors.map(e => ({ line: lineAt(e.pos[0]), message: `YAML: ${firstLine(e.message)}` })) };
    }
    let value;
    try {
        value = doc.toJS({ maxAliasCount: 100 });
    }
    catch (error) {
        // An alias to no anchor, or too many aliases (a "billion laughs" file).
        return { problems: [{ message: `YAML: ${firstLine(error.message)}` }] };
    }
    const lineOf = (path, key) => {
        const keyLine = key === undefined ? undefined : lineAt(keyRange(doc, path, key)?.[0]);
        if (keyLine !== undefined)
            return keyLine;
        // The node itself, or the nearest enclosing one that exists (a missing key's parent).
        for (let up = path.length; up >= 0; up--) {
            const line = lineAt(nodeRange(doc, path.slice(0, up))?.[0]);
            if (line !== undefined)
                return line;
        }
        return undefined;
    };
    return { value, lineOf };
}
/**
 * The whole file against the schema, and the number rules on every entry whose number
 * reads as text: all problems at once, not the shape's first and the numbers' next time.
 */
function checkFile(value, defaultApi) {
    const parsed = fileSchema.safeParse(value);
    if (parsed.success)
        return checkNumbers(parsed.data, defaultApi);
    const shape = parsed.error.issues.flatMap((issue) => {
        const path = issue.path.filter((p) => typeof p !== 'symbol');
        if (issue.code !== 'unrecognized_keys')
            return [{ path, message: `${describe(path)} ${issue.message}` }];
        return issue.keys.map(key => ({ path, key, message: `${describe([...path, key])}: unknown key (allowed here: ${allowedKeys(path).join(', ')})` }));
    });
    const numbers = checkNumbers(looseShape(value), defaultApi);
    return { findings: [...shape, ...('findings' in numbers ? numbers.findings : [])] };
}
/** What the number rules read, from a file that failed the schema: wrong-typed fields left out, positions kept. */
function looseShape(value) {
    const text = (v) => (typeof v === 'string' ? v : undefined);
    const flagOf = (v) => (typeof v === 'boolean' ? v : undefined);
    const fields = (v) => (v && typeof v === 'object' && !Array.isArray(v) ? v : {});
    const list = (v) => (Array.isArray(v) ? v : []);
    const apiOf = (v) => (_bolna_port_js__WEBPACK_IMPORTED_MODULE_2__/* .TRUNK_API_NAMES */ .R2.includes(v) ? v : undefined);
    const root = fields(value);
    return {
        defaults: { api: apiOf(fields(root.defaults).api), e164_check_enabled: flagOf(fields(root.defaults).e164_check_enabled) },
        trunks: list(root.trunks).map(trunk => ({
            trunk_id: text(fields(trunk).trunk_id),
            api: apiOf(fields(trunk).api),
            numbers: list(fields(trunk).numbers).map(entry => ({
                phone_number: text(fields(entry).phone_number)?.trim(),
                destination_key: text(fields(entry).destination_key),
                e164_check_enabled: flagOf(fields(entry).e164_check_enabled)
            }))
        }))
    };
}
function allowedKeys(path) {
    if (path.length === 0)
        return Object.keys(fileSchema.shape);
    if (path[0] === 'defaults')
        return ['api', 'e164_check_enabled'];
    if (path.length === 2)
        return ['trunk_id', 'api', 'prune', 'numbers'];
    return Object.keys(numberEntry.shape);
}
/** Cross-entry rules: valid numbers, no number twice on a trunk or on two trunks, no trunk twice. */
function checkNumbers(file, defaultApi) {
    const findings = [];
    const seen = new Map();
    const trunksSeen = new Map();
    const desired = { trunks: [] };
    file.trunks.forEach((trunk, t) => {
        const trunkId = trunk.trunk_id ?? '';
        const api = trunk.api ?? file.defaults?.api ?? defaultApi;
        const first = trunksSeen.get(trunkId);
        if (trunk.trunk_id !== undefined && first !== undefined) {
            findings.push({
                path: ['trunks', t, 'trunk_id'],
                message: `trunk ${(0,_text_js__WEBPACK_IMPORTED_MODULE_4__/* .quote */ .hD)(trunkId)} is listed twice; list each trunk once`,
                first: ['trunks', first, 'trunk_id']
            });
        }
        trunksSeen.set(trunkId, t);
        const numbers = [];
        trunk.numbers.forEach((entry, n) => {
            const written = entry.phone_number;
            if (written === undefined)
                return;
            const path = ['trunks', t, 'numbers', n, 'phone_number'];
            const where = `trunks[${t}].numbers[${n}].phone_number ${(0,_text_js__WEBPACK_IMPORTED_MODULE_4__/* .quote */ .hD)(written)}`;
            if (entry.destination_key !== undefined && !_bolna_port_js__WEBPACK_IMPORTED_MODULE_2__/* .TRUNK_APIS */ .R1[api].destinationKey) {
                findings.push({
                    path: ['trunks', t, 'numbers', n, 'destination_key'],
                    message: `trunks[${t}].numbers[${n}].destination_key applies only to trunks with api: trunk; Bolna's ${_bolna_port_js__WEBPACK_IMPORTED_MODULE_2__/* .TRUNK_APIS */ .R1[api].title} has no such field`
                });
            }
            const e164CheckEnabled = entry.e164_check_enabled ?? file.defaults?.e164_check_enabled ?? false;
            const parsed = (0,_phone_js__WEBPACK_IMPORTED_MODULE_6__/* .parsePhoneNumber */ .lq)(written);
            const problem = 'problem' in parsed ? parsed.problem : e164CheckEnabled ? (0,_phone_js__WEBPACK_IMPORTED_MODULE_6__/* .e164CheckProblem */ .CN)(written) : undefined;
            if (problem || !('number' in parsed)) {
                findings.push({ path, message: `${where} ${problem}` });
                return;
            }
            const { e164, withPlus } = parsed.number;
            const earlier = seen.get(e164);
            if (earlier) {
                const again = earlier.trunkId === trunkId
                    ? `is listed twice on trunk ${(0,_text_js__WEBPACK_IMPORTED_MODULE_4__/* .quote */ .hD)(trunkId)}`
                    : `is already listed on trunk ${(0,_text_js__WEBPACK_IMPORTED_MODULE_4__/* .quote */ .hD)(earlier.trunkId)}; Bolna allows one active trunk per number`;
                findings.push({ path, message: `${where} ${again}`, first: earlier.path });
                return;
            }
            seen.set(e164, { trunkId, path });
            numbers.push({
                written,
                e164,
                withPlus,
                name: entry.name,
                e164CheckEnabled,
                ...(entry.destination_key !== undefined && { destinationKey: entry.destination_key }),
                ...(entry.agent_id !== undefined && { agentId: entry.agent_id })
            });
        });
        desired.trunks.push({ trunk: { id: trunkId, api }, prune: trunk.prune ?? false, numbers });
    });
    return findings.length > 0 ? { findings } : { desired };
}
function nodeRange(doc, path) {
    const node = path.length === 0 ? doc.contents : doc.getIn(path, true);
    return node && typeof node === 'object' && 'range' in node ? node.range : undefined;
}
function keyRange(doc, path, key) {
    const map = path.length === 0 ? doc.contents : doc.getIn(path, true);
    const items = map && typeof map === 'object' && 'items' in map && Array.isArray(map.items) ? map.items : [];
    const pair = items.find(item => item.key?.value === key);
    return pair?.key?.range;
}
function describe(path) {
    if (path.length === 0)
        return 'the file';
    return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('');
}
function firstLine(message) {
    return message.split('\n')[0] ?? message;
}


/***/ })

};
