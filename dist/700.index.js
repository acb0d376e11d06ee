export const id = 700;
export const ids = [700];
export const modules = {

/***/ 6700:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   readNumbersFile: () => (/* binding */ readNumbersFile)
/* harmony export */ });
/* unused harmony export parseNumbersFile */
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var js_yaml__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3243);
/* harmony import */ var libphonenumber_js_min__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(3834);
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(9691);
/* harmony import */ var _bolna_api_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7700);
/* harmony import */ var _phone_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(3387);
/* harmony import */ var _text_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(8992);







const text = (max) => zod__WEBPACK_IMPORTED_MODULE_3__/* .string */ .YjP({ error: issue => (issue.input === undefined ? 'is required' : 'must be a string (quote it)') })
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine(_text_js__WEBPACK_IMPORTED_MODULE_4__/* .isOneLine */ .Pf, _text_js__WEBPACK_IMPORTED_MODULE_4__/* .ONE_LINE */ .St);
const flag = zod__WEBPACK_IMPORTED_MODULE_3__/* .boolean */ .zMY({ error: 'must be true or false' });
const numberEntry = zod__WEBPACK_IMPORTED_MODULE_3__/* .strictObject */ .rej({
    phone_number: zod__WEBPACK_IMPORTED_MODULE_3__/* .string */ .YjP({
        error: issue => issue.input === undefined ? 'is required' : 'must be a quoted string, e.g. "919876543210" (unquoted, YAML reads a number and drops a leading + or 0)'
    })
        .transform(value => value.trim()),
    name: text(255).optional(),
    e164_check_enabled: flag.optional(),
    agent_id: text(200)
        .refine(value => !(0,_bolna_api_js__WEBPACK_IMPORTED_MODULE_2__/* .isDotSegment */ .DH)(value), 'cannot be "." or ".."')
        .optional()
});
const fileSchema = zod__WEBPACK_IMPORTED_MODULE_3__/* .strictObject */ .rej({
    version: zod__WEBPACK_IMPORTED_MODULE_3__/* .literal */ .euz(1, { error: 'must be 1' }),
    defaults: zod__WEBPACK_IMPORTED_MODULE_3__/* .strictObject */ .rej({ e164_check_enabled: flag.optional() }).optional(),
    trunks: zod__WEBPACK_IMPORTED_MODULE_3__/* .array */ .YOg(zod__WEBPACK_IMPORTED_MODULE_3__/* .strictObject */ .rej({
        trunk_id: text(200).refine(value => !(0,_bolna_api_js__WEBPACK_IMPORTED_MODULE_2__/* .isDotSegment */ .DH)(value), 'cannot be "." or ".."'),
        prune: flag.optional(),
        numbers: zod__WEBPACK_IMPORTED_MODULE_3__/* .array */ .YOg(numberEntry, { error: 'must be a list of numbers' })
    }), { error: 'must be a list of trunks' })
        .min(1, 'must list at least one trunk')
});
/** Reads and checks the whole file; every problem is reported, and nothing is written on any. */
async function readNumbersFile(path, apiKey) {
    let source;
    try {
        source = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_0__.readFile)(path, 'utf8');
    }
    catch (error) {
        const code = error.code;
        const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (code ?? 'unreadable');
        return { ok: false, problems: [{ message: `cannot read the numbers file: ${why}` }] };
    }
    if (apiKey.length >= 8 && source.includes(apiKey)) {
        // Not echoed: every line that holds it would repeat the key in the log.
        return { ok: false, problems: [{ message: 'the numbers file contains the Bolna API key: remove it from the repository and rotate the key' }] };
    }
    return parseNumbersFile(source);
}
/**
 * Parses and checks the file. The common case, a clean file, is read with js-yaml, which is
 * about four times faster to load and parse; the `yaml` library, which knows every node's
 * line, is loaded only to report problems, and for files with anchors, aliases or tags (whose
 * aliases it caps: no "billion laughs").
 */
async function parseNumbersFile(source) {
    let positions;
    let value = quickLoad(source);
    if (value === FAILED) {
        positions = await readPositions(source);
        if ('problems' in positions)
            return { ok: false, problems: positions.problems };
        value = positions.value;
    }
    const checked = checkFile(value);
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
    const { LineCounter, parseDocument } = await __webpack_require__.e(/* import() */ 815).then(__webpack_require__.t.bind(__webpack_require__, 8815, 19));
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
function checkFile(value) {
    const parsed = fileSchema.safeParse(value);
    if (parsed.success)
        return checkNumbers(parsed.data);
    const shape = parsed.error.issues.flatMap((issue) => {
        const path = issue.path.filter((p) => typeof p !== 'symbol');
        if (issue.code !== 'unrecognized_keys')
            return [{ path, message: `${describe(path)} ${issue.message}` }];
        return issue.keys.map(key => ({ path, key, message: `${describe([...path, key])}: unknown key (allowed here: ${allowedKeys(path).join(', ')})` }));
    });
    const numbers = checkNumbers(looseShape(value));
    return { findings: [...shape, ...('findings' in numbers ? numbers.findings : [])] };
}
/** What the number rules read, from a file that failed the schema: wrong-typed fields left out, positions kept. */
function looseShape(value) {
    const text = (v) => (typeof v === 'string' ? v : undefined);
    const flagOf = (v) => (typeof v === 'boolean' ? v : undefined);
    const fields = (v) => (v && typeof v === 'object' && !Array.isArray(v) ? v : {});
    const list = (v) => (Array.isArray(v) ? v : []);
    const root = fields(value);
    return {
        defaults: { e164_check_enabled: flagOf(fields(root.defaults).e164_check_enabled) },
        trunks: list(root.trunks).map(trunk => ({
            trunk_id: text(fields(trunk).trunk_id),
            numbers: list(fields(trunk).numbers).map(entry => ({
                phone_number: text(fields(entry).phone_number)?.trim(),
                e164_check_enabled: flagOf(fields(entry).e164_check_enabled)
            }))
        }))
    };
}
function allowedKeys(path) {
    if (path.length === 0)
        return Object.keys(fileSchema.shape);
    if (path[0] === 'defaults')
        return ['e164_check_enabled'];
    if (path.length === 2)
        return ['trunk_id', 'prune', 'numbers'];
    return Object.keys(numberEntry.shape);
}
/** Cross-entry rules: valid numbers, no number twice on a trunk or on two trunks, no trunk twice. */
function checkNumbers(file) {
    const findings = [];
    const seen = new Map();
    const trunksSeen = new Map();
    const desired = { trunks: [] };
    file.trunks.forEach((trunk, t) => {
        const trunkId = trunk.trunk_id ?? '';
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
            const phoneNumber = entry.phone_number;
            if (phoneNumber === undefined)
                return;
            const path = ['trunks', t, 'numbers', n, 'phone_number'];
            const where = `trunks[${t}].numbers[${n}].phone_number ${(0,_text_js__WEBPACK_IMPORTED_MODULE_4__/* .quote */ .hD)(phoneNumber)}`;
            const e164CheckEnabled = entry.e164_check_enabled ?? file.defaults?.e164_check_enabled ?? false;
            const problem = (0,_phone_js__WEBPACK_IMPORTED_MODULE_5__/* .phoneNumberProblem */ .l_)(phoneNumber) ?? (e164CheckEnabled ? (0,_phone_js__WEBPACK_IMPORTED_MODULE_5__/* .e164Problem */ .qq)(phoneNumber) : undefined) ?? impossibleNumber(phoneNumber);
            if (problem) {
                findings.push({ path, message: `${where} ${problem}` });
                return;
            }
            const digits = (0,_phone_js__WEBPACK_IMPORTED_MODULE_5__/* .digitsOf */ .C3)(phoneNumber);
            const earlier = seen.get(digits);
            if (earlier) {
                const again = earlier.trunkId === trunkId
                    ? `is listed twice on trunk ${(0,_text_js__WEBPACK_IMPORTED_MODULE_4__/* .quote */ .hD)(trunkId)}`
                    : `is already listed on trunk ${(0,_text_js__WEBPACK_IMPORTED_MODULE_4__/* .quote */ .hD)(earlier.trunkId)}; Bolna allows one active trunk per number`;
                findings.push({ path, message: `${where} ${again}`, first: earlier.path });
                return;
            }
            seen.set(digits, { trunkId, path });
            numbers.push({ phoneNumber, digits, name: entry.name, e164CheckEnabled, agentId: entry.agent_id });
        });
        desired.trunks.push({ trunkId, prune: trunk.prune ?? false, numbers });
    });
    return findings.length > 0 ? { findings } : { desired };
}
/** libphonenumber's length rules for the number's country (read as +<digits>). */
function impossibleNumber(phoneNumber) {
    const parsed = (0,libphonenumber_js_min__WEBPACK_IMPORTED_MODULE_6__/* .parsePhoneNumber */ .l)(`+${(0,_phone_js__WEBPACK_IMPORTED_MODULE_5__/* .digitsOf */ .C3)(phoneNumber)}`);
    if (parsed?.isPossible())
        return undefined;
    return 'is not a possible phone number: it needs a country code and a subscriber number of the right length (e.g. "919876543210" or "+14155550123")';
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
