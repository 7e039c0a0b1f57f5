import type { Diagnostic, DiagnosticCode } from "./diagnostics.js";

/**
 * Collects diagnostics from a read of any size: every one is counted by code, and the first few of each
 * code are kept as examples, so a million bad cells cost a counter, not a million objects.
 */
export class DiagnosticSink {
  readonly counts = new Map<DiagnosticCode, { severity: Diagnostic["severity"]; count: number }>();
  readonly examples = new Map<DiagnosticCode, Diagnostic[]>();

  constructor(readonly examplesPerCode = 20) {}

  add = (d: Diagnostic): void => {
    const c = this.counts.get(d.code);
    if (c) c.count++;
    else this.counts.set(d.code, { severity: d.severity, count: 1 });
    const list = this.examples.get(d.code) ?? [];
    if (list.length < this.examplesPerCode) list.push(d);
    this.examples.set(d.code, list);
  };

  get errorCount(): number {
    let n = 0;
    for (const c of this.counts.values()) if (c.severity === "error") n += c.count;
    return n;
  }

  get warningCount(): number {
    let n = 0;
    for (const c of this.counts.values()) if (c.severity === "warning") n += c.count;
    return n;
  }

  /** Every kept example, errors first, in the order found. */
  list(): Diagnostic[] {
    const all = [...this.examples.values()].flat();
    return all.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "error" ? -1 : 1));
  }
}
