// Readers for every coverage format the gate accepts, chosen by content (not by file name):
// LCOV, Cobertura, JaCoCo, Clover, SonarQube generic XML, Istanbul coverage-final.json and
// json-summary, Go coverprofile, gcovr JSON and Coveralls JSON.

import { InputError } from '../platform/errors';
import { addBranches, addLine, counter, CoverageReport, FileCoverage, Metric, newFile } from './coverage';
import { childrenNamed, descendantsNamed, firstChild, localName, parseXml, XmlElement, XmlSyntaxError } from './xml';

export function parseCoverageReport(text: string, file: string): CoverageReport {
  const body = text.replace(/^\ufeff/, '');
  const start = body.trimStart();
  if (start === '') {
    throw new InputError('coverage report is empty', { file, hint: 'the test run did not write coverage; check the coverage reporter settings' });
  }
  if (start.startsWith('<')) return parseXmlCoverage(body, file);
  if (start.startsWith('{') || start.startsWith('[')) return parseJsonCoverage(body, file);
  if (/^mode:\s*(set|count|atomic)\s*$/m.test(start.split('\n', 1)[0])) return parseGoProfile(body, file);
  if (/^(TN|SF|VER):/m.test(body)) return parseLcov(body, file);
  throw new InputError('not a coverage report this gate reads', {
    file,
    hint: 'give LCOV, Cobertura, JaCoCo, Clover or SonarQube XML, Istanbul coverage-final.json / coverage-summary.json, a Go coverprofile, gcovr or Coveralls JSON',
  });
}

function report(file: string, format: string, tool?: string): CoverageReport {
  return { file, format, tool, sourceRoots: [], files: [], warnings: [] };
}

// ---------------------------------------------------------------- LCOV

function parseLcov(text: string, file: string): CoverageReport {
  const out = report(file, 'lcov');
  let current: FileCoverage | undefined;
  let fnTotal = 0;
  let fnHit = 0;
  let fnFromRecords = { total: 0, hit: 0 };
  let brTotals: { found: number; hit: number } | undefined;
  let sawBrda = false;
  let lfLh: { found: number; hit: number } | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    const colon = line.indexOf(':');
    const tag = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1);
    if (tag === 'SF') {
      current = newFile(value);
      fnTotal = fnHit = 0;
      fnFromRecords = { total: 0, hit: 0 };
      brTotals = lfLh = undefined;
      sawBrda = false;
      continue;
    }
    if (tag === 'end_of_record') {
      if (!current) continue;
      if (!current.lines && lfLh) current.counters.lines = counter(lfLh.hit, lfLh.found);
      if (!sawBrda && brTotals) current.counters.branches = counter(brTotals.hit, brTotals.found);
      if (fnTotal > 0 || fnFromRecords.total > 0) {
        current.counters.functions = fnTotal > 0 ? counter(fnHit, fnTotal) : counter(fnFromRecords.hit, fnFromRecords.total);
      }
      out.files.push(current);
      current = undefined;
      continue;
    }
    if (tag === 'TN' || tag === 'VER') continue;
    if (!current) throw new InputError(`line ${i + 1}: ${tag} record outside an SF ... end_of_record block`, { file, hint: 'the LCOV file is malformed or truncated' });
    switch (tag) {
      case 'DA': {
        // DA:<line>,<hits>[,<checksum>] (gcovr and lcov add the checksum)
        const comma = value.indexOf(',');
        if (comma === -1) throw new InputError(`line ${i + 1}: DA record without a hit count ("${line.slice(0, 60)}")`, { file, hint: 'the LCOV file is malformed' });
        const next = value.indexOf(',', comma + 1);
        addLine(current, Number(value.slice(0, comma)), Number(next === -1 ? value.slice(comma + 1) : value.slice(comma + 1, next)));
        break;
      }
      case 'BRDA': {
        // BRDA:<line>,<block>,<branch>,<taken> with taken "-" when the block never ran
        const parts = value.split(',');
        if (parts.length < 4) throw new InputError(`line ${i + 1}: BRDA record needs line,block,branch,taken ("${line.slice(0, 60)}")`, { file, hint: 'the LCOV file is malformed' });
        sawBrda = true;
        const taken = parts[3] === '-' ? 0 : Number(parts[3]);
        addBranches(current, Number(parts[0]), taken > 0 ? 1 : 0, 1);
        break;
      }
      case 'FNF':
        fnTotal = Number(value);
        break;
      case 'FNH':
        fnHit = Number(value);
        break;
      case 'FNDA':
        fnFromRecords.total++;
        if (Number(value.split(',')[0]) > 0) fnFromRecords.hit++;
        break;
      case 'BRF':
        brTotals = { found: Number(value), hit: brTotals?.hit ?? 0 };
        break;
      case 'BRH':
        brTotals = { found: brTotals?.found ?? 0, hit: Number(value) };
        break;
      case 'LF':
        lfLh = { found: Number(value), hit: lfLh?.hit ?? 0 };
        break;
      case 'LH':
        lfLh = { found: lfLh?.found ?? 0, hit: Number(value) };
        break;
      default:
        break; // FN, FNL, FNA and future records carry nothing the metrics need
    }
  }
  if (current) throw new InputError(`the record for ${current.path} has no end_of_record`, { file, hint: 'the LCOV file is truncated' });
  if (out.files.length === 0) throw new InputError('LCOV report lists no source file (no SF: record)', { file });
  return out;
}

// ---------------------------------------------------------------- XML formats

function parseXmlCoverage(text: string, file: string): CoverageReport {
  let root: XmlElement;
  try {
    root = parseXml(text);
  } catch (err) {
    if (err instanceof XmlSyntaxError) throw new InputError(`malformed XML: ${err.message}`, { file, hint: 'the report may be truncated' });
    throw err;
  }
  const name = localName(root.name);
  if (name === 'report') return parseJacoco(root, file);
  if (name === 'coverage') {
    if (firstChild(root, 'project')) return parseClover(root, file);
    if (firstChild(root, 'packages') || firstChild(root, 'sources') || root.attrs['line-rate'] !== undefined) return parseCobertura(root, file);
    if (root.attrs.version !== undefined && (root.children.length === 0 || firstChild(root, 'file'))) return parseSonarGeneric(root, file);
  }
  if (name === 'crap_result') {
    throw new InputError('this is a Crap4j (CRAP index) report, not a coverage report', { file, hint: 'give PHPUnit\'s --coverage-clover or --coverage-cobertura output instead' });
  }
  throw new InputError(`unknown coverage XML: root element <${root.name}>`, { file, hint: 'Cobertura (<coverage><packages>), Clover (<coverage><project>), JaCoCo (<report>) and SonarQube generic (<coverage version="1">) are read' });
}

function parseCobertura(root: XmlElement, file: string): CoverageReport {
  const out = report(file, 'cobertura', coberturaTool(root));
  const sources = firstChild(root, 'sources');
  if (sources) out.sourceRoots = childrenNamed(sources, 'source').map((s) => s.text.trim()).filter(Boolean);
  const byPath = new Map<string, FileCoverage>();
  for (const cls of descendantsNamed(root, 'class')) {
    const path = cls.attrs.filename;
    if (!path) continue;
    let fc = byPath.get(path);
    if (!fc) byPath.set(path, (fc = newFile(path)));
    const lines = firstChild(cls, 'lines');
    for (const line of lines ? childrenNamed(lines, 'line') : []) {
      const nr = Number(line.attrs.number);
      addLine(fc, nr, Number(line.attrs.hits ?? 0));
      const cond = /\((\d+)\s*\/\s*(\d+)\)/.exec(line.attrs['condition-coverage'] ?? '');
      if (cond && line.attrs.branch !== 'false') addBranches(fc, nr, Number(cond[1]), Number(cond[2]));
    }
    const methods = firstChild(cls, 'methods');
    if (methods) {
      const list = childrenNamed(methods, 'method');
      const hit = list.filter((m) => childrenNamed(firstChild(m, 'lines') ?? m, 'line').some((l) => Number(l.attrs.hits) > 0)).length;
      const prev = fc.counters.functions ?? { covered: 0, total: 0 };
      if (list.length > 0) fc.counters.functions = { covered: prev.covered + hit, total: prev.total + list.length };
    }
  }
  out.files = [...byPath.values()];
  // istanbul's writer drops branches on lines without a statement; the root still declares them.
  const declared = Number(root.attrs['branches-valid']);
  const declaredCovered = Number(root.attrs['branches-covered']);
  let listed = 0;
  let listedCovered = 0;
  for (const fc of out.files) for (const b of fc.branches?.values() ?? []) [listed, listedCovered] = [listed + b.total, listedCovered + b.covered];
  if (Number.isFinite(declared) && declared > listed && Number.isFinite(declaredCovered)) {
    out.reportCounters = { branches: counter(Math.max(0, declaredCovered - listedCovered), declared - listed) };
    out.warnings.push(`${file}: the root declares ${declared} branches but its lines carry ${listed}; the ${declared - listed} not attached to a line are counted from the declared totals`);
  }
  return out;
}

/** The measuring tool where the report names it (gcovr does, in `version`); others leave it unknown. */
function coberturaTool(root: XmlElement): string | undefined {
  return root.attrs.version?.startsWith('gcovr') ? 'gcovr' : undefined;
}

function jacocoCounters(el: XmlElement): Partial<Record<Metric, ReturnType<typeof counter>>> {
  const counters: Partial<Record<Metric, ReturnType<typeof counter>>> = {};
  const map: Record<string, Metric> = { LINE: 'lines', BRANCH: 'branches', METHOD: 'functions', INSTRUCTION: 'statements' };
  for (const c of childrenNamed(el, 'counter')) {
    const metric = map[c.attrs.type ?? ''];
    if (!metric) continue;
    const covered = Number(c.attrs.covered ?? 0);
    counters[metric] = counter(covered, covered + Number(c.attrs.missed ?? 0));
  }
  return counters;
}

function parseJacoco(root: XmlElement, file: string): CoverageReport {
  const out = report(file, 'jacoco', root.attrs.name === 'GCOVR report' ? 'gcovr' : 'jacoco');
  for (const pkg of descendantsNamed(root, 'package')) {
    const pkgName = pkg.attrs.name ?? '';
    const dir = pkgName.includes('/') ? pkgName : pkgName.replace(/\./g, '/');
    for (const source of childrenNamed(pkg, 'sourcefile')) {
      const fc = newFile(dir ? `${dir}/${source.attrs.name}` : source.attrs.name ?? '');
      fc.counters = jacocoCounters(source);
      const lines = childrenNamed(source, 'line');
      // gcovr's JaCoCo lines carry only branch attributes; then the LINE counter is the line figure.
      const lineDetail = lines.some((l) => l.attrs.ci !== undefined || l.attrs.mi !== undefined);
      for (const line of lines) {
        const nr = Number(line.attrs.nr);
        const ci = Number(line.attrs.ci ?? 0);
        if (lineDetail && ci + Number(line.attrs.mi ?? 0) > 0) addLine(fc, nr, ci);
        const mb = Number(line.attrs.mb ?? 0);
        const cb = Number(line.attrs.cb ?? 0);
        if (mb + cb > 0) addBranches(fc, nr, cb, mb + cb);
      }
      out.files.push(fc);
    }
  }
  if (out.files.length === 0) {
    const counters = jacocoCounters(root);
    if (Object.keys(counters).length > 0) {
      out.reportCounters = counters;
      out.warnings.push(`${file}: JaCoCo report lists no source files; its report-level counters are used`);
    }
  }
  return out;
}

function parseClover(root: XmlElement, file: string): CoverageReport {
  const out = report(file, 'clover', root.attrs.clover ? 'istanbul' : undefined);
  for (const project of childrenNamed(root, 'project')) {
    for (const f of descendantsNamed(project, 'file')) {
      const fc = newFile(f.attrs.path ?? f.attrs.name ?? '');
      for (const line of childrenNamed(f, 'line')) {
        if (line.attrs.type === 'method') continue;
        addLine(fc, Number(line.attrs.num), Number(line.attrs.count ?? 0));
      }
      // truecount/falsecount mean "times true/false" in OpenClover but "covered/uncovered branches" in
      // istanbul's writer; the file's metrics mean the same in both, so branches come from there.
      const metrics = firstChild(f, 'metrics');
      if (metrics) {
        const n = (k: string) => Number(metrics.attrs[k] ?? 0);
        fc.counters.branches = counter(n('coveredconditionals'), n('conditionals'));
        fc.counters.functions = counter(n('coveredmethods'), n('methods'));
        fc.counters.statements = counter(n('coveredstatements'), n('statements'));
      }
      out.files.push(fc);
    }
  }
  return out;
}

function parseSonarGeneric(root: XmlElement, file: string): CoverageReport {
  const out = report(file, 'sonarqube-generic');
  for (const f of childrenNamed(root, 'file')) {
    const fc = newFile(f.attrs.path ?? '');
    for (const l of childrenNamed(f, 'lineToCover')) {
      const nr = Number(l.attrs.lineNumber);
      addLine(fc, nr, l.attrs.covered === 'true' ? 1 : 0);
      if (l.attrs.branchesToCover) addBranches(fc, nr, Number(l.attrs.coveredBranches ?? 0), Number(l.attrs.branchesToCover));
    }
    out.files.push(fc);
  }
  return out;
}

// ---------------------------------------------------------------- JSON formats

interface IstanbulLocation {
  start: { line: number };
}
interface IstanbulFile {
  path?: string;
  statementMap: Record<string, IstanbulLocation>;
  s: Record<string, number>;
  fnMap?: Record<string, unknown>;
  f?: Record<string, number>;
  branchMap?: Record<string, { loc?: IstanbulLocation; locations?: IstanbulLocation[]; line?: number }>;
  b?: Record<string, number[]>;
}

function parseJsonCoverage(text: string, file: string): CoverageReport {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new InputError(`malformed JSON: ${(err as Error).message}`, { file, hint: 'the report may be truncated' });
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new InputError('JSON coverage must be an object', { file });
  const obj = data as Record<string, unknown>;
  if ('gcovr/format_version' in obj) return parseGcovrJson(obj, file);
  if (Array.isArray(obj.source_files)) return parseCoveralls(obj, file);
  const total = obj.total as Record<string, unknown> | undefined;
  if (total && typeof total === 'object' && 'lines' in total) return parseIstanbulSummary(obj, file);
  const values = Object.values(obj);
  if (values.length === 0) throw new InputError('coverage map is empty (no files were instrumented)', { file, hint: 'check the coverage include/exclude settings' });
  if (values.every((v) => isIstanbulFile(v))) return parseIstanbulMap(obj, file);
  throw new InputError('unknown JSON coverage format', { file, hint: 'Istanbul coverage-final.json / coverage-summary.json, gcovr JSON and Coveralls JSON are read' });
}

function isIstanbulFile(v: unknown): boolean {
  const fc = v && typeof v === 'object' ? ((v as { data?: unknown }).data ?? v) : undefined;
  return !!fc && typeof fc === 'object' && 'statementMap' in fc && 's' in fc;
}

/** Istanbul's coverage map (`coverage-final.json`): statements give line hits the way istanbul does (max per line). */
export function parseIstanbulMap(map: Record<string, unknown>, file: string): CoverageReport {
  const out = report(file, 'istanbul-json');
  for (const [key, value] of Object.entries(map)) {
    if (!isIstanbulFile(value)) throw new InputError(`entry "${key}" is not an Istanbul file coverage`, { file });
    const fc = ((value as { data?: IstanbulFile }).data ?? value) as IstanbulFile;
    const cov = newFile(fc.path ?? key);
    cov.lines = new Map();
    let stmtCovered = 0;
    const stmtIds = Object.keys(fc.statementMap);
    for (const id of stmtIds) {
      const hits = fc.s[id] ?? 0;
      if (hits > 0) stmtCovered++;
      addLine(cov, fc.statementMap[id].start.line, hits);
    }
    cov.counters.statements = counter(stmtCovered, stmtIds.length);
    const fnIds = Object.keys(fc.fnMap ?? {});
    cov.counters.functions = counter(fnIds.filter((id) => (fc.f?.[id] ?? 0) > 0).length, fnIds.length);
    cov.branches = new Map();
    for (const [id, meta] of Object.entries(fc.branchMap ?? {})) {
      const counts = fc.b?.[id] ?? [];
      const line = meta.loc?.start.line ?? meta.locations?.[0]?.start.line ?? meta.line ?? 0;
      addBranches(cov, line, counts.filter((c) => c > 0).length, counts.length);
    }
    out.files.push(cov);
  }
  return out;
}

function parseIstanbulSummary(obj: Record<string, unknown>, file: string): CoverageReport {
  const out = report(file, 'istanbul-summary');
  const read = (entry: Record<string, { total?: number; covered?: number }>) => {
    const c: Partial<Record<Metric, ReturnType<typeof counter>>> = {};
    for (const metric of ['lines', 'branches', 'functions', 'statements'] as const) {
      const m = entry[metric];
      if (m && typeof m.total === 'number') c[metric] = counter(m.covered ?? 0, m.total);
    }
    return c;
  };
  for (const [key, value] of Object.entries(obj)) {
    if (key === 'total' || !value || typeof value !== 'object') continue;
    const fc = newFile(key);
    fc.counters = read(value as Record<string, { total?: number; covered?: number }>);
    out.files.push(fc);
  }
  if (out.files.length === 0) {
    out.reportCounters = read(obj.total as Record<string, { total?: number; covered?: number }>);
    out.warnings.push(`${file}: json-summary lists no files; its "total" is used`);
  }
  return out;
}

function parseGcovrJson(obj: Record<string, unknown>, file: string): CoverageReport {
  const out = report(file, 'gcovr-json', 'gcovr');
  const files = obj.files as Array<{ file: string; lines: Array<{ line_number: number; count: number; branches?: Array<{ count: number }>; 'gcovr/noncode'?: boolean }> }>;
  if (!Array.isArray(files)) throw new InputError('gcovr JSON has no "files" list', { file });
  for (const f of files) {
    const fc = newFile(f.file);
    for (const line of f.lines ?? []) {
      if (line['gcovr/noncode']) continue;
      addLine(fc, line.line_number, line.count);
      const branches = line.branches ?? [];
      if (branches.length > 0) addBranches(fc, line.line_number, branches.filter((b) => b.count > 0).length, branches.length);
    }
    out.files.push(fc);
  }
  return out;
}

function parseCoveralls(obj: Record<string, unknown>, file: string): CoverageReport {
  const out = report(file, 'coveralls-json');
  for (const f of obj.source_files as Array<{ name: string; coverage?: Array<number | null>; branches?: number[] }>) {
    const fc = newFile(f.name);
    (f.coverage ?? []).forEach((hits, index) => {
      if (hits !== null && hits !== undefined) addLine(fc, index + 1, hits);
    });
    // Flat quadruples: line, block, branch, hits.
    const b = f.branches ?? [];
    for (let i = 0; i + 3 < b.length; i += 4) addBranches(fc, b[i], b[i + 3] > 0 ? 1 : 0, 1);
    out.files.push(fc);
  }
  return out;
}

// ---------------------------------------------------------------- Go

/** `go test -coverprofile`: blocks `file:l1.c1,l2.c2 stmts count`; every line of a block is covered when it ran. */
function parseGoProfile(text: string, file: string): CoverageReport {
  const out = report(file, 'go-coverprofile', 'go');
  const blocks = new Map<string, { path: string; from: number; to: number; stmts: number; count: number }>();
  const lines = text.split(/\r?\n/);
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line || line.startsWith('mode:')) continue; // merged profiles repeat the mode line
    const m = /^(.+):(\d+)\.\d+,(\d+)\.\d+ (\d+) (\d+)$/.exec(line);
    if (!m) throw new InputError(`line ${i + 1} is not a coverprofile block: "${line.slice(0, 80)}"`, { file, hint: 'write it with go test -coverprofile=coverage.out' });
    const key = `${m[1]}:${m[2]}:${m[3]}:${m[4]}`;
    const prev = blocks.get(key);
    const count = Number(m[5]);
    // The same block appears once per test binary in merged profiles: keep the best count.
    if (!prev || count > prev.count) blocks.set(key, { path: m[1], from: Number(m[2]), to: Number(m[3]), stmts: Number(m[4]), count });
  }
  const byPath = new Map<string, FileCoverage>();
  for (const block of blocks.values()) {
    let fc = byPath.get(block.path);
    if (!fc) byPath.set(block.path, (fc = newFile(block.path)));
    for (let l = block.from; l <= block.to; l++) addLine(fc, l, block.count);
    const s = fc.counters.statements ?? { covered: 0, total: 0 };
    fc.counters.statements = { covered: s.covered + (block.count > 0 ? block.stmts : 0), total: s.total + block.stmts };
  }
  out.files = [...byPath.values()];
  if (out.files.length === 0) out.warnings.push(`${file}: the coverprofile holds no blocks (no Go statements were instrumented)`);
  return out;
}
