export const id = 700;
export const ids = [700];
export const modules = {

/***/ 6700:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   readNumbersFile: () => (/* binding */ readNumbersFile)
/* harmony export */ });
/* unused harmony exports MAX_PROBLEMS, MAX_FILE_BYTES, MAX_DEPTH, parseNumbersFile */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var js_yaml__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3243);
/* harmony import */ var zod_mini__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(8395);
/* harmony import */ var zod_mini__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(3305);
/* harmony import */ var _bolna_paths_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(8688);
/* harmony import */ var _bolna_port_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(9521);
/* harmony import */ var _phone_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(2947);
/* harmony import */ var _text_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(8992);








const text = (max) => zod_mini__WEBPACK_IMPORTED_MODULE_5__/* .string */ .YjP({ error: issue => (issue.input === undefined ? 'is required' : 'must be a string (quote it)') })
    .check(zod_mini__WEBPACK_IMPORTED_MODULE_6__/* ._minLength */ .m9(1, 'must not be empty'), zod_mini__WEBPACK_IMPORTED_MODULE_6__/* ._maxLength */ .Eb(max, `must be at most ${max} characters`), zod_mini__WEBPACK_IMPORTED_MODULE_5__/* .refine */ .YPB(_text_js__WEBPACK_IMPORTED_MODULE_7__/* .isOneLine */ .Pf, _text_js__WEBPACK_IMPORTED_MODULE_7__/* .ONE_LINE */ .St));
const flag = zod_mini__WEBPACK_IMPORTED_MODULE_5__/* .boolean */ .zMY({ error: 'must be true or false' });
const api = zod_mini__WEBPACK_IMPORTED_MODULE_5__/* ["enum"] */ .k5n(_bolna_port_js__WEBPACK_IMPORTED_MODULE_3__/* .TRUNK_API_NAMES */ .R2, { error: `must be one of: ${_bolna_port_js__WEBPACK_IMPORTED_MODULE_3__/* .TRUNK_API_NAMES */ .R2.join(', ')}` });
const safeId = zod_mini__WEBPACK_IMPORTED_MODULE_5__/* .refine */ .YPB(value => (0,_bolna_paths_js__WEBPACK_IMPORTED_MODULE_8__/* .idProblem */ .lx)(value) === undefined, { error: issue => (0,_bolna_paths_js__WEBPACK_IMPORTED_MODULE_8__/* .idProblem */ .lx)(String(issue.input)) ?? 'is not an id' });
const agentId = text(200).check(safeId);
const numberEntry = zod_mini__WEBPACK_IMPORTED_MODULE_5__/* .strictObject */ .rej({
    phone_number: zod_mini__WEBPACK_IMPORTED_MODULE_5__/* .pipe */ .FsL(zod_mini__WEBPACK_IMPORTED_MODULE_5__/* .string */ .YjP({
        error: issue => issue.input === undefined ? 'is required' : 'must be a quoted string, e.g. "919876543210" (unquoted, YAML reads a number and drops a leading + or 0)'
    }), zod_mini__WEBPACK_IMPORTED_MODULE_5__/* .transform */ .pdi(value => value.trim())),
    name: zod_mini__WEBPACK_IMPORTED_MODULE_5__/* .optional */ .lqM(text(255)),
    e164_check_enabled: zod_mini__WEBPACK_IMPORTED_MODULE_5__/* .optional */ .lqM(flag),
    destination_key: zod_mini__WEBPACK_IMPORTED_MODULE_5__/* .optional */ .lqM(text(64).check(zod_mini__WEBPACK_IMPORTED_MODULE_6__/* ._regex */ .Fk(_phone_js__WEBPACK_IMPORTED_MODULE_4__/* .DESTINATION_KEY */ .PU, 'must have no spaces (the called number as your carrier sends it)'))),
    // null: no agent answers it (the mapping is removed); left out: the mapping is left as it is.
    agent_id: zod_mini__WEBPACK_IMPORTED_MODULE_5__/* .optional */ .lqM(zod_mini__WEBPACK_IMPORTED_MODULE_5__/* .nullable */ .mee(agentId))
});
const trunkSchema = zod_mini__WEBPACK_IMPORTED_MODULE_5__/* .strictObject */ .rej({
    trunk_id: text(200).check(safeId),
    api: zod_mini__WEBPACK_IMPORTED_MODULE_5__/* .optional */ .lqM(api),
    prune: zod_mini__WEBPACK_IMPORTED_MODULE_5__/* .optional */ .lqM(flag),
    numbers: zod_mini__WEBPACK_IMPORTED_MODULE_5__/* .array */ .YOg(zod_mini__WEBPACK_IMPORTED_MODULE_5__/* .unknown */ .L5J(), { error: 'must be a list of numbers' })
});
/** The file without its entries: each trunk and each number is checked on its own (bounded: see MAX_PROBLEMS). */
const rootSchema = zod_mini__WEBPACK_IMPORTED_MODULE_5__/* .strictObject */ .rej({
    version: zod_mini__WEBPACK_IMPORTED_MODULE_5__/* .literal */ .euz(1, { error: 'must be 1' }),
    defaults: zod_mini__WEBPACK_IMPORTED_MODULE_5__/* .optional */ .lqM(zod_mini__WEBPACK_IMPORTED_MODULE_5__/* .strictObject */ .rej({ api: zod_mini__WEBPACK_IMPORTED_MODULE_5__/* .optional */ .lqM(api), e164_check_enabled: zod_mini__WEBPACK_IMPORTED_MODULE_5__/* .optional */ .lqM(flag) })),
    trunks: zod_mini__WEBPACK_IMPORTED_MODULE_5__/* .array */ .YOg(zod_mini__WEBPACK_IMPORTED_MODULE_5__/* .unknown */ .L5J(), { error: 'must be a list of trunks' }).check(zod_mini__WEBPACK_IMPORTED_MODULE_6__/* ._minLength */ .m9(1, 'must list at least one trunk'))
});
/** Problems collected in full; past it they are only counted ("and N more"). */
const MAX_PROBLEMS = 1_000;
const fileSchema = zod_mini__WEBPACK_IMPORTED_MODULE_5__/* .strictObject */ .rej({
    version: zod_mini__WEBPACK_IMPORTED_MODULE_5__/* .literal */ .euz(1, { error: 'must be 1' }),
    defaults: zod_mini__WEBPACK_IMPORTED_MODULE_5__/* .optional */ .lqM(zod_mini__WEBPACK_IMPORTED_MODULE_5__/* .strictObject */ .rej({ api: zod_mini__WEBPACK_IMPORTED_MODULE_5__/* .optional */ .lqM(api), e164_check_enabled: zod_mini__WEBPACK_IMPORTED_MODULE_5__/* .optional */ .lqM(flag) })),
    trunks: zod_mini__WEBPACK_IMPORTED_MODULE_5__/* .array */ .YOg(zod_mini__WEBPACK_IMPORTED_MODULE_5__/* .strictObject */ .rej({
        trunk_id: text(200).check(safeId),
        api: zod_mini__WEBPACK_IMPORTED_MODULE_5__/* .optional */ .lqM(api),
        prune: zod_mini__WEBPACK_IMPORTED_MODULE_5__/* .optional */ .lqM(flag),
        numbers: zod_mini__WEBPACK_IMPORTED_MODULE_5__/* .array */ .YOg(numberEntry, { error: 'must be a list of numbers' })
    }), { error: 'must be a list of trunks' })
        .check(zod_mini__WEBPACK_IMPORTED_MODULE_6__/* ._minLength */ .m9(1, 'must list at least one trunk'))
});
/**
 * The largest numbers file read: it is held in memory and parsed whole, and 5 MiB is room for
 * tens of thousands of numbers (about 70 bytes each).
 */
const MAX_FILE_BYTES = 5 * 1024 * 1024;
/**
 * The deepest nesting read. A numbers file has 5 levels (the file, its trunks, a trunk, its
 * numbers, a number); anything past MAX_DEPTH is refused before the parsers recurse into it.
 */
const MAX_DEPTH = 20;
const DEPTH_MESSAGE = `YAML: nested deeper than a numbers file can be (at most ${MAX_DEPTH} levels; the format itself uses 5)`;
/** Reads and checks the whole file; every problem is reported, and nothing is written on any. */
async function readNumbersFile(path, secrets, defaultApi) {
    const bytes = await readBytes(path);
    if (!(bytes instanceof Uint8Array))
        return { ok: false, problems: [bytes] };
    // Checked on the bytes too, before decoding: a file in another encoding that holds the key is still refused as holding it.
    const source = decodeUtf8(bytes);
    if (secrets.foundIn(typeof source === 'string' ? source : Buffer.from(bytes).toString('latin1')))
        return holdsTheKey();
    if (typeof source !== 'string')
        return { ok: false, problems: [source] };
    const result = await parseNumbersFile(source, defaultApi);
    if (result.ok) {
        // The key written with YAML escapes ("\x41…") reads as the key: it would reach the plan, the outputs and the PR comment.
        return someText(result.desired, text => secrets.foundIn(text)) ? holdsTheKey() : result;
    }
    // A problem quotes what the file says; an escaped key reads as the key there too.
    return { ...result, problems: result.problems.map(problem => ({ ...problem, message: secrets.redact(problem.message) })) };
}
function holdsTheKey() {
    // Not echoed: every line that holds it would repeat the key in the log.
    return { ok: false, problems: [{ message: 'the numbers file contains the Bolna API key: remove it from the repository and rotate the key' }] };
}
/** True when any string in the value (iteratively: the value may be deep) passes the test. */
function someText(value, test) {
    const stack = [value];
    while (stack.length > 0) {
        const item = stack.pop();
        if (typeof item === 'string') {
            if (test(item))
                return true;
        }
        else if (item && typeof item === 'object') {
            for (const child of Object.values(item))
                stack.push(child);
        }
    }
    return false;
}
/**
 * The file's bytes, or why it cannot be read: it must be a regular file (a named pipe would
 * block the read forever, a device never end) of at most MAX_FILE_BYTES. The kind and size
 * are checked before opening, and again on the opened file, which is read no further than
 * the limit: a file swapped or grown in between is refused all the same.
 */
async function readBytes(path) {
    let info;
    try {
        info = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.stat)(path);
    }
    catch (error) {
        return cannotRead(error);
    }
    const refused = refusal(info);
    if (refused)
        return refused;
    let file;
    try {
        // Non-blocking: opening a named pipe that took the file's place must not wait for a writer.
        file = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.open)(path, node_fs__WEBPACK_IMPORTED_MODULE_0__.constants.O_RDONLY | (node_fs__WEBPACK_IMPORTED_MODULE_0__.constants.O_NONBLOCK ?? 0));
    }
    catch (error) {
        return cannotRead(error);
    }
    try {
        const opened = await file.stat();
        const refusedNow = refusal(opened);
        if (refusedNow)
            return refusedNow;
        const chunks = [];
        let size = 0;
        for (;;) {
            // One read for a file as large as it was, and never further than one byte past the limit.
            const chunk = Buffer.allocUnsafe(Math.min(MAX_FILE_BYTES + 1 - size, Math.max(64 * 1024, opened.size + 1 - size)));
            const { bytesRead } = await file.read(chunk, 0, chunk.length, size);
            if (bytesRead === 0)
                break;
            chunks.push(chunk.subarray(0, bytesRead));
            size += bytesRead;
            if (size > MAX_FILE_BYTES)
                return tooLarge(undefined);
        }
        return Buffer.concat(chunks, size);
    }
    catch (error) {
        return cannotRead(error);
    }
    finally {
        await file.close();
    }
}
function refusal(info) {
    if (!info.isFile())
        return { message: `cannot read the numbers file: it is ${kindOf(info)}, not a regular file` };
    return info.size > MAX_FILE_BYTES ? tooLarge(info.size) : undefined;
}
function kindOf(info) {
    if (info.isDirectory())
        return 'a folder';
    if (info.isFIFO())
        return 'a named pipe (FIFO)';
    if (info.isSocket())
        return 'a socket';
    if (info.isCharacterDevice())
        return 'a character device';
    if (info.isBlockDevice())
        return 'a block device';
    return 'not a file';
}
function tooLarge(size) {
    const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
    const is = size === undefined ? `is larger than ${mib(MAX_FILE_BYTES)}` : `is ${mib(size)} (${size} bytes)`;
    return {
        message: `the numbers file ${is}; a numbers file can be at most ${mib(MAX_FILE_BYTES)} (${MAX_FILE_BYTES} bytes), room for tens of thousands of numbers: split it, or check that this is the right file`
    };
}
function cannotRead(error) {
    const code = error.code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (code ?? 'unreadable');
    return { message: `cannot read the numbers file: ${why}` };
}
/**
 * The bytes as UTF-8 text (a leading byte order mark is dropped), or the first line that is not
 * UTF-8: a file saved as Latin-1 would otherwise send "Caf\uFFFD" for "Café".
 */
function decodeUtf8(bytes) {
    try {
        return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    }
    catch {
        const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
        if (utf16)
            return { line: 1, message: 'the numbers file is UTF-16 text: save it as UTF-8' };
        // A newline byte is never part of a multi-byte character, so each line decodes alone.
        const lines = new TextDecoder('utf-8', { fatal: true });
        let start = 0;
        for (let line = 1; start <= bytes.length; line++) {
            const end = bytes.indexOf(0x0a, start);
            const stop = end < 0 ? bytes.length : end;
            try {
                lines.decode(bytes.subarray(start, stop));
            }
            catch {
                return { line, message: `line ${line} is not UTF-8 text (Latin-1 or Windows-1252, say): save the numbers file as UTF-8` };
            }
            start = stop + 1;
        }
        return { message: 'the numbers file is not UTF-8 text: save it as UTF-8' };
    }
}
/**
 * Parses and checks the file. The common case, a clean file, is read with js-yaml, which is
 * about four times faster to load and parse; the `yaml` library, which knows every node's
 * line, is loaded only to report problems, and for files with anchors, aliases or tags (whose
 * aliases it caps: no "billion laughs").
 */
async function parseNumbersFile(source, defaultApi = 'sip-trunks') {
    try {
        return await parseChecked(source, defaultApi);
    }
    catch (error) {
        // The nesting checks keep the parsers' recursion shallow; should one still overflow the stack, say why.
        if (error instanceof RangeError)
            return { ok: false, problems: [{ message: DEPTH_MESSAGE }] };
        throw error;
    }
}
async function parseChecked(source, defaultApi) {
    let positions;
    const quick = quickLoad(source);
    if ('tooDeep' in quick)
        return { ok: false, problems: [{ ...(quick.tooDeep !== undefined && { line: quick.tooDeep }), message: DEPTH_MESSAGE }] };
    let value;
    if ('value' in quick) {
        value = quick.value;
    }
    else {
        const deep = await tooDeepAt(source);
        if (deep !== undefined)
            return { ok: false, problems: [{ line: deep, message: DEPTH_MESSAGE }] };
        positions = await readPositions(source);
        if ('problems' in positions)
            return { ok: false, problems: positions.problems };
        value = positions.value;
    }
    const checked = checkFile(value, defaultApi);
    if ('desired' in checked)
        return { ok: true, desired: checked.desired, trunkLines: trunkLinesOf(source, checked.desired, positions) };
    positions ??= checked.more > 0 ? await readPositionsOfStart(source, checked.findings) : await readPositions(source);
    if ('problems' in positions)
        return { ok: false, problems: positions.problems };
    const { lineOf } = positions;
    const problems = checked.findings.map(f => ({
        line: lineOf(f.path, f.key),
        message: f.first ? `${f.message} (first on line ${lineOf(f.first)})` : f.message
    }));
    problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    // Said first, so that it is among the problems annotated and summed up.
    if (checked.more === 0)
        return { ok: false, problems };
    problems.unshift({ line: undefined, message: `and ${checked.more} more problem(s) of the same kinds: only the first ${MAX_PROBLEMS} are listed` });
    return { ok: false, problems, total: checked.findings.length + checked.more };
}
/**
 * js-yaml (YAML 1.2 core schema), for plain files; `failed` sends the file down the careful
 * path. Nesting past MAX_DEPTH is refused here, with the line where it went too deep.
 */
function quickLoad(source) {
    if (/[&*!]/.test(source))
        return { failed: true };
    try {
        return { value: (0,js_yaml__WEBPACK_IMPORTED_MODULE_2__/* .load */ .Hh)(source, { schema: js_yaml__WEBPACK_IMPORTED_MODULE_2__/* .CORE_SCHEMA */ .OU, maxDepth: MAX_DEPTH }) };
    }
    catch (error) {
        const { reason, mark } = error;
        if (typeof reason === 'string' && reason.startsWith('nesting exceeded maxDepth')) {
            return { tooDeep: typeof mark?.line === 'number' ? mark.line + 1 : undefined };
        }
        return { failed: true };
    }
}
/**
 * The line where the file nests deeper than MAX_DEPTH, from one pass over the `yaml` lexer's
 * tokens, before its parser (whose time and recursion grow with the depth: a file of 100,000
 * "[" would take it minutes, or all the memory). Counted: the open flow collections, and the
 * block nodes open above each node that starts a line (at its indentation, and after each `- `,
 * `? ` or `: ` that leads the line). A standard numbers file counts 5. A key's value on the
 * key's own line is not counted, so this may read one level short on a line, no more.
 */
async function tooDeepAt(source) {
    const { Lexer } = await __webpack_require__.e(/* import() */ 815).then(__webpack_require__.t.bind(__webpack_require__, 8815, 19));
    /** The columns of the block nodes open at this point, outermost first. */
    const open = [];
    let flow = 0;
    let line = 1;
    let column = 0;
    /** Still in the line's leading run: indentation, anchors, tags and block indicators. */
    let leading = true;
    let scalarNext = false;
    let blockScalar = false;
    for (const token of new Lexer().lex(source)) {
        const at = column;
        const tokenLine = line;
        const lastNewline = token.lastIndexOf('\n');
        // The lexer's own markers (document start, scalar, flow end, byte order mark) take no room in the line.
        if (CONTROL_TOKENS.includes(token)) {
            // no width
        }
        else if (lastNewline < 0) {
            column += token.length;
        }
        else {
            for (let i = token.indexOf('\n'); i >= 0; i = token.indexOf('\n', i + 1))
                line++;
            column = token.length - lastNewline - 1;
        }
        const block = leading && flow === 0;
        const first = token[0];
        if (scalarNext) {
            // A block scalar's text: its lines, and their indentation, are all inside it; no node starts there.
            if (block && !blockScalar)
                place(open, at);
            scalarNext = false;
            blockScalar = false;
            leading = false;
        }
        else if (token === '\x1f') {
            scalarNext = true;
        }
        else if (token === '-' || token === '?' || token === ':') {
            if (block)
                place(open, at);
        }
        else if (first === '[' || first === '{') {
            // Counted as flow; it still closes the block nodes indented deeper.
            if (block)
                close(open, at);
            flow++;
            leading = false;
        }
        else if (first === ']' || first === '}') {
            flow = Math.max(0, flow - 1);
        }
        else if (token === '\x18') {
            // The lexer left an unclosed flow collection at a line indented less than it.
            flow = 0;
        }
        else if (first === '"' || first === "'" || first === '*' || first === '|' || first === '>') {
            if (block)
                place(open, at);
            blockScalar = first === '|' || first === '>';
            leading = false;
        }
        if (open.length + flow > MAX_DEPTH)
            return tokenLine;
        if (lastNewline >= 0 && lastNewline === token.length - 1)
            leading = true;
    }
    return undefined;
}
const CONTROL_TOKENS = ['\x02', '\x18', '\x1f', '\ufeff'];
function close(open, column) {
    while (open.length > 0 && (open.at(-1) ?? 0) > column)
        open.pop();
}
/** A block node starting at `column`: it closes the nodes at deeper columns, and opens a level unless a sibling is open there. */
function place(open, column) {
    close(open, column);
    if (open.length === 0 || (open.at(-1) ?? 0) < column)
        open.push(column);
}
/**
 * The trunks' lines, for the annotations of warnings: from the `yaml` document's node positions,
 * parsed only when asked (a clean file is read by js-yaml, which keeps none). Trunk ids are unique
 * in a valid file.
 */
function trunkLinesOf(source, desired, known) {
    let lines;
    const read = async () => {
        const positions = known ?? (await readPositions(source));
        const found = new Map();
        if ('problems' in positions)
            return found;
        desired.trunks.forEach(({ trunk }, t) => {
            const line = positions.lineOf(['trunks', t, 'trunk_id']);
            if (line !== undefined)
                found.set(trunk.id, line);
        });
        return found;
    };
    return () => {
        lines ??= read();
        return lines;
    };
}
const STACK_OVERFLOW = /maximum call stack size exceeded|stack overflow/i;
/** The `yaml` library's reading: every syntax problem with its line, and the line of any node. */
async function readPositions(source, partial = false) {
    const { LineCounter, parseDocument } = await __webpack_require__.e(/* import() */ 815).then(__webpack_require__.t.bind(__webpack_require__, 8815, 19));
    const lines = new LineCounter();
    // logLevel 'error': a key that is a collection is reported by the schema check, not as a Node warning on stderr.
    const doc = parseDocument(source, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, logLevel: 'error' });
    const lineAt = (offset) => (offset === undefined ? undefined : lines.linePos(offset).line);
    // The start of a file already read whole: its cut end is no problem, and only positions are wanted.
    if (partial)
        return { value: undefined, lineOf: lineFinder(doc, lineAt) };
    if (doc.errors.length > 0) {
        // The parser catches a stack overflow as a problem of its own: say why it overflowed.
        if (doc.errors.some(e => STACK_OVERFLOW.test(e.message)))
            return { problems: [{ message: DEPTH_MESSAGE }] };
        return { problems: doc.errors.map(e => ({ line: lineAt(e.pos[0]), message: `YAML: ${firstLine(e.message)}` })) };
    }
    let value;
    try {
        value = doc.toJS({ maxAliasCount: 100 });
    }
    catch (error) {
        if (error instanceof RangeError)
            return { problems: [{ message: DEPTH_MESSAGE }] };
        // An alias to no anchor, or too many aliases (a "billion laughs" file).
        return { problems: [{ message: `YAML: ${firstLine(error.message)}` }] };
    }
    return { value, lineOf: lineFinder(doc, lineAt) };
}
function lineFinder(doc, lineAt) {
    return (path, key) => {
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
}
/**
 * Positions for the first MAX_PROBLEMS findings of a file with more: only as much of the file as
 * holds them is read by the (slower) `yaml` parser, growing the part until the last finding's entry
 * ends inside it. A 5 MB file of bad entries needs its first few hundred KiB.
 */
async function readPositionsOfStart(source, findings) {
    const last = findings.at(-1)?.path ?? [];
    const entry = last.slice(0, Math.min(last.length, 4));
    const { parseDocument } = await __webpack_require__.e(/* import() */ 815).then(__webpack_require__.t.bind(__webpack_require__, 8815, 19));
    for (let size = 256 * 1024; size < source.length; size *= 4) {
        const cut = source.indexOf('\n', size);
        if (cut < 0)
            break;
        const start = source.slice(0, cut + 1);
        const node = parseDocument(start, { uniqueKeys: true, prettyErrors: false }).getIn(entry, true);
        const end = node?.range?.[2];
        if (end !== undefined && end < start.length - 1)
            return readPositions(start, true);
    }
    return readPositions(source);
}
/**
 * The whole file against the schema, and the number rules on every entry whose number
 * reads as text: all problems at once, not the shape's first and the numbers' next time.
 */
function checkFile(value, defaultApi) {
    const shape = new Findings();
    const checkPart = (schema, part, at) => {
        const parsed = schema.safeParse(part);
        if (parsed.success)
            return;
        for (const issue of parsed.error.issues) {
            const path = [...at, ...issue.path.filter((p) => typeof p !== 'symbol')];
            if (issue.code !== 'unrecognized_keys')
                shape.add({ path, message: `${describe(path)} ${issue.message}` });
            else
                for (const key of issue.keys)
                    shape.add({ path, key, message: `${describe([...path, key])}: unknown key (allowed here: ${allowedKeys(path).join(', ')})` });
        }
    };
    // Part by part, not the whole file at once: a file of 130,000 bad entries makes as many issues,
    // which a whole-file check gathers by spreading them into one call (a stack overflow).
    checkPart(rootSchema, value, []);
    const trunks = Array.isArray(value?.trunks) ? value.trunks : [];
    trunks.forEach((trunk, t) => {
        checkPart(trunkSchema, trunk, ['trunks', t]);
        const entries = trunk?.numbers;
        if (Array.isArray(entries))
            for (const [n, entry] of entries.entries())
                checkPart(numberEntry, entry, ['trunks', t, 'numbers', n]);
    });
    if (shape.count === 0) {
        const parsed = fileSchema.safeParse(value);
        if (parsed.success)
            return checkNumbers(parsed.data, defaultApi, shape);
    }
    const numbers = checkNumbers(looseShape(value), defaultApi, shape);
    return 'findings' in numbers ? numbers : { findings: shape.list, more: shape.count - shape.list.length };
}
/** Findings, the first MAX_PROBLEMS of them kept, the rest counted. */
class Findings {
    list = [];
    count = 0;
    add(finding) {
        this.count++;
        if (this.list.length < MAX_PROBLEMS)
            this.list.push(finding);
    }
}
/** What the number rules read, from a file that failed the schema: wrong-typed fields left out, positions kept. */
function looseShape(value) {
    const text = (v) => (typeof v === 'string' ? v : undefined);
    const flagOf = (v) => (typeof v === 'boolean' ? v : undefined);
    const fields = (v) => (v && typeof v === 'object' && !Array.isArray(v) ? v : {});
    const list = (v) => (Array.isArray(v) ? v : []);
    const apiOf = (v) => (_bolna_port_js__WEBPACK_IMPORTED_MODULE_3__/* .TRUNK_API_NAMES */ .R2.includes(v) ? v : undefined);
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
function checkNumbers(file, defaultApi, found = new Findings()) {
    const findings = { push: (f) => found.add(f) };
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
                message: `trunk ${(0,_text_js__WEBPACK_IMPORTED_MODULE_7__/* .quote */ .hD)(trunkId)} is listed twice; list each trunk once`,
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
            const where = `trunks[${t}].numbers[${n}].phone_number ${(0,_text_js__WEBPACK_IMPORTED_MODULE_7__/* .quote */ .hD)(written)}`;
            const keyProblem = entry.destination_key !== undefined ? (0,_phone_js__WEBPACK_IMPORTED_MODULE_4__/* .destinationKeyProblem */ .Ld)(api) : undefined;
            if (keyProblem)
                findings.push({ path: ['trunks', t, 'numbers', n, 'destination_key'], message: `trunks[${t}].numbers[${n}].destination_key ${keyProblem}` });
            const e164CheckEnabled = entry.e164_check_enabled ?? file.defaults?.e164_check_enabled ?? false;
            const parsed = (0,_phone_js__WEBPACK_IMPORTED_MODULE_4__/* .numberToSend */ .Nx)(written, e164CheckEnabled);
            if ('problem' in parsed) {
                findings.push({ path, message: `${where} ${parsed.problem}` });
                return;
            }
            const { e164, withPlus } = parsed.number;
            const earlier = seen.get(e164);
            if (earlier) {
                const again = earlier.trunkId === trunkId
                    ? `is listed twice on trunk ${(0,_text_js__WEBPACK_IMPORTED_MODULE_7__/* .quote */ .hD)(trunkId)}`
                    : `is already listed on trunk ${(0,_text_js__WEBPACK_IMPORTED_MODULE_7__/* .quote */ .hD)(earlier.trunkId)}; Bolna allows one active trunk per number`;
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
    return found.count > 0 ? { findings: found.list, more: found.count - found.list.length } : { desired };
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
