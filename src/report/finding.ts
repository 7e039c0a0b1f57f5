import type { QuestionKind } from "../definition/question-kind.js";
import type { ChiSquare } from "../tally/types.js";
import type { SectionKey } from "./template.js";

/*
 * What a finding is: the claims the report's generated sentences make (see findings.ts, which derives them,
 * and evidence.ts, which words them). Only types, below every module that makes, words or lists findings.
 */

export type Polarity = "success" | "problem" | "neutral";

export interface Share {
  label: string;
  count: number;
  /** Of the finding's base; for multi-select, of those who answered (普及率). */
  pct: number | null;
}

/** One side of a group difference: the group(s) at that extreme (ties are named together). */
export interface Side {
  labels: string[];
  value: number;
  base: number;
  count: number;
}

interface FindingBase {
  /** The item (q5, q9.3) or the breakdown (q5@q1). */
  id: string;
  section: SectionKey;
  polarity: Polarity;
  /** The rule that placed and worded it, for --explain. */
  why: string;
  /** Why it is not written (a rule, or the author already says it). */
  omitted?: string;
  /**
   * Texts that together identify the fact in a paragraph: the author's own text saying them all says it.
   * A list is any one of its texts (a share as "70.0%" or in words as "七成").
   */
  keys: (string | string[])[];
}

export type Finding = FindingBase &
  (
    | { kind: "roles"; n: number; small: boolean; items: Share[] }
    /** A comparison that could not be made (fewer than two groups big enough): only for --explain. */
    | { kind: "note"; subject: string }
    | { kind: "composition"; subject: string; base: number; small: boolean; items: Share[] }
    | { kind: "number"; subject: string; n: number; mean: number | null; median: number | null; min: number | null; max: number | null; unit: string }
    | { kind: "choices"; subject: string; text: string; questionKind: QuestionKind; multi: boolean; base: number; small: boolean; items: Share[] }
    | {
        kind: "rate";
        subject: string;
        /** A matrix row: its subject is the row label, quoted. */
        row: boolean;
        base: number;
        small: boolean;
        rate: number;
        rateName: string;
        positiveCount: number;
        positive: Share[];
        negativeRate: number;
        negative: string[];
      }
    | { kind: "rank"; subject: string; text: string; base: number; items: { label: string; score: number }[] }
    | { kind: "open"; subject: string; text: string; questionKind: QuestionKind; n: number; quotes: { text: string; count: number }[]; keyword?: { word: string; count: number; example: string } }
    | { kind: "others"; subject: string; text: string; option: string; n: number; items: { text: string; count: number }[] }
    /** A figure's change since the earlier round (--previous): see changes.ts. */
    | ChangeFigure
    /** An open question coded by its codebook (see report/themes.ts): n answers, small when under min_group. */
    | {
        kind: "themes";
        subject: string;
        text: string;
        questionKind: QuestionKind;
        n: number;
        small: boolean;
        items: { theme: string; count: number; pct: number | null; example: string }[];
        unmatched: number;
      }
    | {
        kind: "difference";
        subject: string;
        /** What the groups are: 身份, 性别, 社区. */
        noun: string;
        /** The option compared; absent for an evaluation (its positive rate is compared). */
        option?: string;
        rateName?: string;
        questionKind: QuestionKind;
        high: Side;
        low: Side;
        gap: number;
        /** The pair's test (2×2 chi-square, the two-proportion z-test squared) and the test across all groups compared. */
        pairP: number;
        test: ChiSquare;
        groups: { label: string; base: number; value: number }[];
        /** Groups left out of the comparison as too small to be given a percentage. */
        small: { label: string; base: number }[];
      }
  );

export type FindingKind = Finding["kind"];

/** A figure's change since the earlier round (--previous), as changes.ts decides what may be said of it. */
export interface ChangeFigure {
  kind: "change";
  /** The finding whose figure changed. */
  of: string;
  subject: string;
  /** The option whose share changed; absent for an evaluation (its positive rate is compared). */
  option?: string;
  rateName?: string;
  /** This round's share, the earlier round's, and their difference (fractions). */
  current: number;
  previous: number;
  change: number;
  /** |change| in percentage points as written: one decimal. */
  points: number;
  direction: "up" | "down" | "flat";
  base: number;
  previousBase: number;
  /** The two-sided p of the two-proportion z-test; null when there is nothing to test (a share of 0 or 1 in both). */
  p: number | null;
  /** The change is beyond the margin of error (p under the level). */
  significant: boolean;
  /** How the earlier round is named: its `period` (2025年), else null for the template's word (上一轮调查). */
  period: string | null;
}
