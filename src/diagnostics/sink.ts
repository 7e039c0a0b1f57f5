import type { DiagnosticCode } from "./catalogue.js";
import type { Diagnostic } from "./diagnostic.js";

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

  /** What a worker thread sends back: counts and examples by code, in the order first found. */
  toPart(): SinkPart {
    return { counts: [...this.counts], examples: [...this.examples] };
  }

  /**
   * Adds what a sink saw over the next part of the data, as if its diagnostics had been added here one by
   * one; `rowShift` turns the part's row numbers into the file's.
   */
  absorb(part: SinkPart, rowShift: number): void {
    for (const [code, c] of part.counts) {
      const mine = this.counts.get(code);
      if (mine) mine.count += c.count;
      else this.counts.set(code, { ...c });
    }
    for (const [code, found] of part.examples) {
      const list = this.examples.get(code) ?? [];
      for (const d of found) {
        if (list.length >= this.examplesPerCode) break;
        list.push(d.row === undefined ? d : { ...d, row: d.row + rowShift });
      }
      this.examples.set(code, list);
    }
  }

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

export interface SinkPart {
  counts: [DiagnosticCode, { severity: Diagnostic["severity"]; count: number }][];
  examples: [DiagnosticCode, Diagnostic[]][];
}
