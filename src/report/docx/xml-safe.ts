/**
 * Characters that XML 1.0 does not allow, even escaped: C0 controls other than tab, line feed and carriage
 * return, lone surrogates, and U+FFFE/U+FFFF. An answer typed or pasted with one of them (a stray \x01
 * from a copied web page, a \x0b vertical tab from Excel) would make word/document.xml unreadable, and
 * Word and LibreOffice refuse the whole report. They carry no visible text, so they are dropped, and so
 * are the noncharacters U+FDD0–U+FDEF, which the renderer uses as markers (plain-paragraphs.ts).
 */
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufdd0-\ufdef\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export function xmlSafeText(text: string): string {
  return text.replace(NOT_XML, "");
}

/** A copy of a value with every string in it made safe for XML: applied to the report model before rendering. */
export function xmlSafe<T>(value: T): T {
  if (typeof value === "string") return xmlSafeText(value) as T;
  if (Array.isArray(value)) return value.map((v) => xmlSafe(v)) as T;
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, xmlSafe(v)])) as T;
  }
  return value;
}
