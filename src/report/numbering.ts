/** The numbers of headings: 一、(一)1. in Chinese, I. (a) 1. in English; formats come from the template. */

const DIGITS = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

/** 1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (headings never reach 100). */
export function chineseNumeral(n: number): string {
  if (n < 10) return DIGITS[n] ?? String(n);
  if (n < 20) return `十${n % 10 ? DIGITS[n % 10] : ""}`;
  if (n < 100) return `${DIGITS[Math.floor(n / 10)]}十${n % 10 ? DIGITS[n % 10] : ""}`;
  return String(n);
}

export function romanNumeral(n: number): string {
  const table: [number, string][] = [[1000, "M"], [900, "CM"], [500, "D"], [400, "CD"], [100, "C"], [90, "XC"], [50, "L"], [40, "XL"], [10, "X"], [9, "IX"], [5, "V"], [4, "IV"], [1, "I"]];
  let out = "";
  for (const [v, s] of table) while (n >= v) (out += s), (n -= v);
  return out;
}

export function letter(n: number): string {
  return n >= 1 && n <= 26 ? String.fromCharCode(96 + n) : String(n);
}

/** Fills a numeral format such as "{n}、", "({n})", "{i}.", "{r}. " or "({a}) " with the number n. */
export function formatNumber(format: string, n: number): string {
  return format
    .replace("{n}", chineseNumeral(n))
    .replace("{i}", String(n))
    .replace("{r}", romanNumeral(n))
    .replace("{a}", letter(n));
}
