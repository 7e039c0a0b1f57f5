import type { SpooledAnswers } from "./types.js";

/** A question's answers as texts in memory, read back when the pipeline spooled them (see SpooledAnswers). */
export function answerTexts(answers: readonly string[] | SpooledAnswers | undefined): readonly string[] {
  if (answers === undefined) return [];
  return isSpooled(answers) ? answers.texts() : answers;
}

export function isSpooled(value: unknown): value is SpooledAnswers {
  return typeof value === "object" && value !== null && (value as { spooled?: unknown }).spooled === true;
}
