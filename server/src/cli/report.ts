import type { Finding } from '../engine/types';

/** One checked file as the output formats see it. */
export interface FileReport {
  /** Path as shown to the user: relative to the working directory, with forward slashes. */
  path: string;
  /** Absolute path, for matching against baselines and ledgers. */
  file: string;
  findings: Finding[];
}

/** The stable JSON shape of one finding (1-based lines and columns). */
export interface JsonFinding {
  path: string;
  cell: number | null;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  code: string;
  id: string;
  category: string;
  severity: string;
  message: string;
  fixable: boolean;
  fingerprint: string;
}

export function toJsonFinding(path: string, f: Finding): JsonFinding {
  return {
    path,
    cell: f.cell ?? null,
    line: f.range.start.line + 1,
    column: f.range.start.column + 1,
    endLine: f.range.end.line + 1,
    endColumn: f.range.end.column + 1,
    code: f.code,
    id: f.ruleId,
    category: f.category,
    severity: f.severity,
    message: f.message,
    fixable: f.fixes.length > 0,
    fingerprint: f.fingerprint,
  };
}
