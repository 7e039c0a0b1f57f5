/**
 * Characters that XML 1.0 does not allow, even escaped: C0 controls other than tab, line feed and carriage
 * return, lone surrogates, and U+FFFE/U+FFFF. An answer typed or pasted with one of them (a stray \x01
 * from a copied web page, a \x0b vertical tab from Excel) would make word/document.xml unreadable, and
 * Word and LibreOffice refuse the whole report. They carry no visible text, so they are dropped, and so
 * are the noncharacters U+FDD0–U+FDEF, which the renderer uses as markers (plain-paragraphs.ts).
 */
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufdd0-\ufdef\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The same characters, for a test that does not move a global regex's lastIndex. */
const HAS_NOT_XML = new RegExp(NOT_XML.source);

export function xmlSafeText(text: string): string {
  // Almost every text is clean: testing first spares building a copy of each.
  return HAS_NOT_XML.test(text) ? text.replace(NOT_XML, "") : text;
}

/**
 * A copy of a value with every string in it made safe for XML: applied to the report model before
 * rendering. Loops rather than entries/fromEntries: a report has tens of thousands of paragraphs.
 */
export function xmlSafe<T>(value: T): T {
  if (typeof value === "string") return xmlSafeText(value) as T;
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = xmlSafe(value[i]);
    return out as T;
  }
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value)) out[k] = xmlSafe((value as Record<string, unknown>)[k]);
    return out as T;
  }
  return value;
}

/** docx's escaping, for text and attributes alike: the five entities; control characters are dropped. */
export function escapeXml(value: string): string {
  return value.replace(/[&"'<>\x00-\x08\x0B\x0C\x0E-\x1F]/g, (c) =>
    c === "&" ? "&amp;" : c === '"' ? "&quot;" : c === "'" ? "&apos;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : "",
  );
}
