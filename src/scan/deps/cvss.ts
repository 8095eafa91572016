// CVSS v3.0/v3.1 base score from a vector string (FIRST specification, section 7), so a severity
// gate can use the vector OSV records carry instead of a label.

import { InputError } from '../../platform/errors';

const W = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  UI: { N: 0.85, R: 0.62 },
  CIA: { H: 0.56, L: 0.22, N: 0 },
} as const;

/** Rounds up to one decimal the way the v3.1 specification defines it (avoids float artefacts). */
function roundUp(value: number): number {
  const int = Math.round(value * 100000);
  return int % 10000 === 0 ? int / 100000 : (Math.floor(int / 10000) + 1) / 10;
}

export function cvss3BaseScore(vector: string): number {
  const parts = vector.trim().split('/');
  if (!/^CVSS:3\.[01]$/.test(parts[0] ?? '')) throw new InputError(`not a CVSS v3 vector: ${vector}`);
  const m: Record<string, string> = {};
  for (const part of parts.slice(1)) {
    const [k, v] = part.split(':');
    m[k] = v;
  }
  const pick = <T extends Record<string, number>>(table: T, key: string): number => {
    const value = table[m[key] as keyof T];
    if (value === undefined) throw new InputError(`CVSS vector ${vector}: bad or missing ${key}`);
    return value;
  };
  const scopeChanged = m.S === 'C';
  if (m.S !== 'U' && m.S !== 'C') throw new InputError(`CVSS vector ${vector}: bad or missing S`);
  const pr = { N: 0.85, L: scopeChanged ? 0.68 : 0.62, H: scopeChanged ? 0.5 : 0.27 };
  const iss = 1 - (1 - pick(W.CIA, 'C')) * (1 - pick(W.CIA, 'I')) * (1 - pick(W.CIA, 'A'));
  const impact = scopeChanged ? 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15) : 6.42 * iss;
  const exploitability = 8.22 * pick(W.AV, 'AV') * pick(W.AC, 'AC') * pick(pr, 'PR') * pick(W.UI, 'UI');
  if (impact <= 0) return 0;
  return roundUp(Math.min(scopeChanged ? 1.08 * (impact + exploitability) : impact + exploitability, 10));
}
