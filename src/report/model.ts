/**
 * The document model of a report: what the report says and in which order, with no notion of Word.
 * `build.ts` computes it from the tally, the definition, the template and the narrative; the docx builders
 * render it. Snapshot tests pin it down, so a change in wording or order shows up as a diff.
 */

export interface TextRun {
  text: string;
  bold?: boolean;
  italic?: boolean;
  /** A place the author still has to fill in (【请补充:……】), highlighted in the document. */
  placeholder?: boolean;
}

export interface Heading {
  kind: "heading";
  level: 1 | 2 | 3;
  /** The number as printed: "一、", "(一)", "1.". */
  number: string;
  text: string;
}

export interface Paragraph {
  kind: "paragraph";
  runs: TextRun[];
  /**
   * body: indented body text; plain: no indent (lists, notes under tables); label: 附件, flush left in the
   * level-1 heading face; title: a title such as the appendix's, set like the report's title; signature:
   * the 落款 and date, flush right.
   */
  style?: "body" | "plain" | "label" | "title" | "signature";
  /** Printed before the runs: a list item's "1." or "•". */
  marker?: string;
}

export type Align = "left" | "center" | "right";

export interface Table {
  kind: "table";
  /** 表N: numbered in order over the whole document. */
  number: number;
  caption: string;
  header: string[];
  rows: string[][];
  align: Align[];
  /** Many columns: printed a size smaller so that cells do not wrap. */
  compact?: boolean;
  /** The last row is a total (本题有效填写人次): drawn above the bottom rule like a footer. */
  footer?: string[];
}

export interface ChartSeries {
  name: string;
  /** Values in the unit of the chart: shares 0..1 for "percent", counts for "count". */
  values: number[];
  /** The label on each bar, such as "15人 50.0%". */
  labels?: string[];
}

export interface Chart {
  /** bar: one series, horizontal bars; stacked: 100% stacked horizontal bars; grouped: clustered columns. */
  type: "bar" | "stacked" | "grouped";
  categories: string[];
  series: ChartSeries[];
  /** The value axis: shares (0–100%) or counts. */
  unit: "percent" | "count";
}

export interface Figure {
  kind: "figure";
  /** 图N: numbered in order over the whole document. */
  number: number;
  caption: string;
  chart: Chart;
}

export interface PageBreak {
  kind: "pageBreak";
}

export type Block = Heading | Paragraph | Table | Figure | PageBreak;

export interface ReportModel {
  lang: "zh-CN" | "en";
  title: string;
  /** Opening paragraphs, before 一、. */
  opening: Block[];
  /** The numbered sections and, last, the appendix (附件), in print order. */
  body: Block[];
  /** Document properties. */
  meta: { organization?: string; subject?: string };
  /** What the generated sentences claim and why, including what a rule kept out (survey report --explain). */
  findings?: import("./finding.js").Finding[];
}
