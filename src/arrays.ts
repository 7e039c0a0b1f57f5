/**
 * Array helpers for arrays whose length comes from the input. A spread into a call — `push(...items)`,
 * `Math.max(...values)` — passes every element as an argument on the stack, and V8 throws "Maximum call
 * stack size exceeded" somewhere beyond about 120,000 of them (120k distinct open answers, 125k options).
 * These loop instead, so their cost is linear and their stack use constant. test/no-spread.test.ts keeps
 * src/ free of spreads into calls.
 */

/** Appends `items` to `target` in order (what `target.push(...items)` does) and returns `target`. */
export function append<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}

/**
 * The largest of `values` and `initial`, as `Math.max(initial, ...values)`: NaN if any value is NaN,
 * `initial` (default -Infinity) for none.
 */
export function maxOf(values: Iterable<number>, initial = -Infinity): number {
  let max = initial;
  for (const v of values) {
    if (Number.isNaN(v)) return NaN;
    if (v > max) max = v;
  }
  return max;
}

/** The smallest of `values` and `initial`, as `Math.min(initial, ...values)`: NaN if any is NaN, `initial` (default Infinity) for none. */
export function minOf(values: Iterable<number>, initial = Infinity): number {
  let min = initial;
  for (const v of values) {
    if (Number.isNaN(v)) return NaN;
    if (v < min) min = v;
  }
  return min;
}
