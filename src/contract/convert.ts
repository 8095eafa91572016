// Converting a native plan file into a contract plan file. Changes stream from the reader through
// validation into temporary part files beside the output, and the final document is assembled from
// them and renamed into place only when everything succeeded: no partial plan.json, ever, and memory
// bounded by the largest single change rather than the plan.

import { createHash, type Hash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { InputError } from '../platform/errors';
import { secrets } from '../platform/redact';
import type { AdapterContext, ChangeSink } from './adapters/adapter';
import { readPlan, type ToolChoice } from './adapters';
import { forEachChunk } from './json-stream';
import { checkChange, checkHeader } from './schema';
import { SummaryBuilder, type ChangeBrief, type GitLabReport } from './summary';
import { CONTRACT_VERSION, type PlanChange, type PlanHeader, type PlanSource } from './types';
import { SensitiveHasher } from './values';

export interface ConvertOptions {
  tool?: ToolChoice;
  /** Overrides for `source`; null/undefined fields keep what a contract-plan input says. */
  source: PlanSource;
  /** Where PAVED_PLAN_HASH_KEY is looked up. */
  env: NodeJS.ProcessEnv;
}

/** A converted plan: the header, the report's short lists, and the digest of the file written. */
export interface ConvertedPlan {
  header: PlanHeader;
  notable: ChangeBrief[];
  omitted: number;
  drifted: ChangeBrief[];
  omittedDrift: number;
  gitlab: GitLabReport;
  /** sha256 of the contract plan file, hex. */
  digest: string;
  bytes: number;
}

const FLUSH_AT = 1 << 20;

/** A file written in pieces through a buffer (and hashed on the way when asked). */
class PieceWriter {
  private readonly fd: number;
  private pending: string[] = [];
  private size = 0;
  /** Set for the final document only; the part files need no digest. */
  readonly hash?: Hash;
  bytes = 0;

  constructor(
    readonly file: string,
    hashed = false,
  ) {
    if (hashed) this.hash = createHash('sha256');
    this.fd = fs.openSync(file, 'w', 0o644);
  }

  write(text: string): void {
    this.pending.push(text);
    this.size += text.length;
    if (this.size >= FLUSH_AT) this.flush();
  }

  /** Copies another file's bytes in, unchanged. */
  append(file: string): void {
    this.flush();
    forEachChunk(file, (chunk) => this.raw(chunk));
  }

  flush(): void {
    if (!this.pending.length) return;
    this.raw(Buffer.from(secrets.redact(this.pending.join('')), 'utf8'));
    this.pending = [];
    this.size = 0;
  }

  private raw(data: Buffer): void {
    fs.writeSync(this.fd, data);
    this.hash?.update(data);
    this.bytes += data.length;
  }

  close(): void {
    this.flush();
    fs.closeSync(this.fd);
  }
}

/** A contract plan being written: changes go to part files until `finish` assembles the document. */
export class StagedPlan implements ChangeSink {
  readonly summary = new SummaryBuilder();
  private readonly changesPart: PieceWriter;
  private readonly driftPart: PieceWriter;
  /** The assembled document, until it is committed. */
  readonly assembled: string;
  private changeCount = 0;
  private driftCount = 0;
  private done = false;

  constructor(
    dir: string,
    private readonly file: string,
  ) {
    fs.mkdirSync(dir, { recursive: true });
    const stem = path.join(dir, `.paved-plan-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`);
    this.assembled = `${stem}.json.tmp`;
    this.changesPart = new PieceWriter(`${stem}.changes.tmp`);
    this.driftPart = new PieceWriter(`${stem}.drift.tmp`);
  }

  change(change: PlanChange): void {
    checkChange(change, `changes[${this.changeCount}]`, this.file);
    this.changesPart.write(`${this.changeCount++ ? ',\n' : ''}    ${JSON.stringify(change)}`);
    this.summary.add(change);
  }

  drift(change: PlanChange): void {
    checkChange(change, `drift[${this.driftCount}]`, this.file);
    this.driftPart.write(`${this.driftCount++ ? ',\n' : ''}    ${JSON.stringify(change)}`);
    this.summary.addDrift(change);
  }

  /** Writes the whole document to a temporary file (`assembled`); returns its digest and size. */
  finish(header: PlanHeader): { digest: string; bytes: number } {
    this.changesPart.close();
    this.driftPart.close();
    const out = new PieceWriter(this.assembled, true);
    try {
      const head = JSON.stringify(header, null, 2);
      out.write(`${head.slice(0, head.lastIndexOf('}')).trimEnd()},\n  "changes": [${this.changeCount ? '\n' : ''}`);
      out.append(this.changesPart.file);
      out.write(`${this.changeCount ? '\n  ' : ''}],\n  "drift": [${this.driftCount ? '\n' : ''}`);
      out.append(this.driftPart.file);
      out.write(`${this.driftCount ? '\n  ' : ''}]\n}\n`);
    } finally {
      out.close();
      this.removeParts();
    }
    this.done = true;
    return { digest: out.hash!.digest('hex'), bytes: out.bytes };
  }

  /** Moves the assembled document to `target`. */
  commit(target: string): void {
    if (!this.done) throw new Error('StagedPlan.commit before finish');
    try {
      fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
      fs.renameSync(this.assembled, target);
    } catch (err) {
      throw new InputError(`cannot write output: ${(err as Error).message}`, { file: target });
    }
  }

  /** Removes every temporary file (safe to call after commit). */
  discard(): void {
    this.removeParts();
    fs.rmSync(this.assembled, { force: true });
  }

  private removeParts(): void {
    for (const part of [this.changesPart, this.driftPart]) {
      try {
        part.close();
      } catch {
        // already closed
      }
      fs.rmSync(part.file, { force: true });
    }
  }
}

/**
 * Converts `input` into a staged contract plan in `stageDir`. The caller commits it (after writing any
 * companion files) or discards it; on error nothing is left behind.
 */
export function stagePlan(input: string, stageDir: string, options: ConvertOptions): { staged: StagedPlan; plan: ConvertedPlan } {
  const hasher = SensitiveHasher.forNativePlan(input, options.env);
  const staged = new StagedPlan(stageDir, input);
  try {
    const ctx: AdapterContext = { file: input, hasher, sink: staged };
    const read = readPlan(ctx, options.tool ?? 'auto');
    const given = options.source;
    const previous = read.contract?.source;
    const source: PlanSource = {
      ...previous,
      directory: given.directory || previous?.directory || '.',
      environment: given.environment ?? previous?.environment ?? null,
      commit: given.commit ?? previous?.commit ?? null,
      ...(given.plan_file && { plan_file: given.plan_file }),
      ...(given.plan_file_sha256 && { plan_file_sha256: given.plan_file_sha256 }),
    };
    const header: PlanHeader = {
      contract_version: CONTRACT_VERSION,
      tool: read.tool,
      source,
      summary: staged.summary.result(read.toolReported),
      errored: read.errored,
      applyable: read.applyable,
      complete: read.complete,
      redaction: read.contract?.redaction ?? hasher.redaction(),
      variables: read.variables,
      outputs: read.outputs,
      diagnostics: read.diagnostics,
    };
    checkHeader(header, input);
    const { digest, bytes } = staged.finish(header);
    const s = staged.summary;
    return {
      staged,
      plan: { header, notable: s.notable, omitted: s.omitted, drifted: s.drifted, omittedDrift: s.omittedDrift, gitlab: s.gitlab(), digest, bytes },
    };
  } catch (err) {
    staged.discard();
    throw err;
  }
}

/** Converts `input` and writes the contract plan to `output` atomically. */
export function convertPlanFile(input: string, output: string, options: ConvertOptions): ConvertedPlan {
  const { staged, plan } = stagePlan(input, path.dirname(path.resolve(output)), options);
  try {
    staged.commit(output);
  } finally {
    staged.discard();
  }
  return plan;
}

/** Converts `input` and streams the contract plan to `write` (for printing to stdout). */
export function convertPlanTo(input: string, write: (text: string) => void, options: ConvertOptions): ConvertedPlan {
  const { staged, plan } = stagePlan(input, os.tmpdir(), options);
  try {
    const decoder = new StringDecoder('utf8');
    forEachChunk(staged.assembled, (chunk) => write(decoder.write(chunk)));
    write(decoder.end());
  } finally {
    staged.discard();
  }
  return plan;
}

/** sha256 of a file, hex, read in chunks. */
export function fileDigest(file: string): string {
  const hash = createHash('sha256');
  forEachChunk(file, (chunk) => hash.update(chunk));
  return hash.digest('hex');
}
