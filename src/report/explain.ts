import type { Finding } from "./finding.js";
import { fixed, pct } from "./format.js";
import type { ReportModel } from "./model.js";

/**
 * `survey report --explain`: every finding behind the generated sentences, one line each, by section —
 * what it states, on what base, and the rule that wrote it — then the findings a rule kept out, with why.
 * An author checks a sentence against its line before signing.
 */
export function explainFindings(model: Pick<ReportModel, "findings">): string {
  const findings = model.findings ?? [];
  const written = findings.filter((f) => !f.omitted);
  const kept = findings.filter((f) => f.omitted);
  const lines = ["findings written in the report:"];
  for (const section of ["situation", "practices", "problems", "suggestions"] as const) {
    const here = written.filter((f) => f.section === section);
    if (!here.length) continue;
    lines.push(`  ${section}:`);
    for (const f of here) lines.push(`    ${f.id} ${f.kind} [${f.polarity}]: ${summary(f)} — ${f.why}`);
  }
  if (kept.length) {
    lines.push("findings not written:");
    for (const f of kept) lines.push(`    ${f.id} ${f.kind}: ${summary(f)} — ${f.omitted}`);
  }
  return `${lines.join("\n")}\n`;
}

function summary(f: Finding): string {
  switch (f.kind) {
    case "roles":
      return `${f.items.map((r) => `${r.label} ${r.count}`).join(", ")} of ${f.n}`;
    case "composition":
      return `${f.subject}: ${f.items.map((r) => `${r.label} ${r.count} (${pct(r.pct)})`).join(", ")} of ${f.base}`;
    case "number":
      return `${f.subject}: mean ${fixed(f.mean, 1)}, ${f.min}–${f.max}, n ${f.n}`;
    case "choices":
      return `${f.subject}: ${f.items.slice(0, 3).map((r) => `${r.label} ${r.count} (${pct(r.pct)})`).join(", ")} of ${f.base}`;
    case "rate":
      return `${f.subject}: ${f.rateName} ${pct(f.rate)} (${f.positiveCount} of ${f.base})`;
    case "rank":
      return `${f.subject}: ${f.items.map((r) => `${r.label} ${fixed(r.score)}`).join(", ")}`;
    case "open":
      return `${f.n} answers; ${f.quotes.length ? f.quotes.map((q) => `“${q.text}” ${q.count}`).join(", ") : f.keyword ? `“${f.keyword.word}” in ${f.keyword.count}` : "all different"}`;
    case "themes":
      return `${f.n} answers; ${f.items.map((x) => `${x.theme} ${x.count}${f.small ? "" : ` (${pct(x.pct)})`} “${x.example}”`).join(", ")}; ${f.unmatched} mention no theme`;
    case "others":
      return `${f.option}: ${f.n} fill-ins; ${f.items.slice(0, 3).map((q) => `“${q.text}” ${q.count}`).join(", ")}`;
    case "difference":
      return `${f.subject}${f.option ? ` “${f.option}”` : ""} by ${f.noun}: ${f.low.labels.join("/")} ${pct(f.low.value)} (n ${f.low.base}) vs ${f.high.labels.join("/")} ${pct(f.high.value)} (n ${f.high.base}), gap ${fixed(f.gap * 100, 1)} points${f.small.length ? `; left out as small: ${f.small.map((s) => `${s.label} (n ${s.base})`).join(", ")}` : ""}`;
    case "change":
      return `${f.subject}${f.option ? ` “${f.option}”` : ` ${f.rateName ?? ""}`}: ${pct(f.previous)} (n ${f.previousBase}, ${f.period ?? "earlier round"}) → ${pct(f.current)} (n ${f.base}), ${f.direction === "flat" ? "about the same" : f.direction} ${fixed(f.points, 1)} points${f.p === null ? "" : `, p=${fixed(f.p, 3)}`}${f.significant ? ", beyond the margin of error" : ""}`;
    case "note":
      return f.subject;
  }
}
