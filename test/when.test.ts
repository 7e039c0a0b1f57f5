import { describe, expect, it } from "vitest";
import { compileWhen, WhenError, type WhenContext, type WhenValue } from "../src/definition/when.js";

const labels: Record<string, string[]> = { q1: ["党员", "群众", "干部"], q8: ["缺钱", "缺人", "缺场地"] };
const ctx: WhenContext = {
  resolve: (name, row) => {
    if (row !== undefined) return name === "q9" && (row === 1 || row === "1" || row === "r2") ? `q9.${row}` : undefined;
    return ["q1", "q5", "q8", "age", "note"].includes(name) ? name : undefined;
  },
  codeOf: (id, label) => {
    const list = labels[id];
    if (!list) return "not-choice";
    const i = list.indexOf(label);
    return i < 0 ? undefined : i + 1;
  },
};
const answers = (values: Record<string, WhenValue>) => (id: string) => values[id] ?? null;
const holds = (expr: string, values: Record<string, WhenValue>) => compileWhen(expr, ctx).evaluate(answers(values));

describe("when expressions", () => {
  it("compares answers with numbers and with option labels", () => {
    expect(holds("q5 >= 4", { q5: 4 })).toBe(true);
    expect(holds("q5 >= 4", { q5: 3 })).toBe(false);
    expect(holds('q1 == "群众"', { q1: 2 })).toBe(true);
    expect(holds('q1 != "群众"', { q1: 2 })).toBe(false);
    expect(holds('q1 in ["党员", "干部"]', { q1: 3 })).toBe(true);
    expect(holds("q1 in [1, 2]", { q1: 3 })).toBe(false);
  });

  it("treats a multi-select answer as the set of chosen codes", () => {
    expect(holds('"缺人" in q8', { q8: [1, 2] })).toBe(true);
    expect(holds("q8 == 3", { q8: [1, 2] })).toBe(false);
    expect(holds("q8 == 2", { q8: [1, 2] })).toBe(true);
  });

  it("never lets an unanswered question trigger a follow-up", () => {
    expect(holds("q5 >= 4", {})).toBe(false);
    expect(holds("q5 < 4", {})).toBe(false);
    expect(holds("q5 == null", {})).toBe(true);
    expect(holds("!(q5 >= 4)", {})).toBe(true);
  });

  it("combines with && || ! and the conditional operator", () => {
    expect(holds("age >= 60 && q1 == 1 || q5 == 5", { age: 65, q1: 1 })).toBe(true);
    expect(holds("age >= 60 && q1 == 1 || q5 == 5", { age: 30, q1: 1, q5: 5 })).toBe(true);
    expect(holds("age >= 60 ? q5 > 3 : q5 > 4", { age: 70, q5: 4 })).toBe(true);
  });

  it("reads matrix rows by number or row id", () => {
    const e = compileWhen("q9[1] >= 4 || q9.r2 >= 4", ctx);
    expect(e.refs.sort()).toEqual(["q9.1", "q9.r2"]);
    expect(e.evaluate(answers({ "q9.r2": 5 }))).toBe(true);
  });

  it("rejects unknown names, unknown labels, calls and assignments", () => {
    expect(() => compileWhen("q7 > 1", ctx)).toThrow(WhenError);
    expect(() => compileWhen('q1 == "农民"', ctx)).toThrow(/no option "农民"/);
    expect(() => compileWhen("process.exit(1)", ctx)).toThrow(WhenError);
    expect(() => compileWhen("q5 = 4", ctx)).toThrow(WhenError);
    expect(() => compileWhen("q5 >=", ctx)).toThrow(/cannot parse/);
    expect(() => compileWhen("this.constructor", ctx)).toThrow(WhenError);
    expect(() => compileWhen("q5 + 1 > 2", ctx)).toThrow(/not allowed/);
  });
});
