import { toJsonFinding, type FileReport } from '../report';

export function formatJson(reports: readonly FileReport[]): string {
  return JSON.stringify(reports.flatMap((r) => r.findings.map((f) => toJsonFinding(r.path, f))), null, 2) + '\n';
}
