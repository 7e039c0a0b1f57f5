/**
 * The limits on answer files (README "Limits"). Each one turns an input that would exhaust memory or time
 * into a located diagnostic. Most are Excel's own, so no file that Excel, WPS or 问卷星 writes reaches them.
 */

/** Characters in one cell: Excel's own maximum (32,767), so only a broken or hostile file holds more. */
export const MAX_CELL_CHARS = 32_767;

/** Columns in one file: Excel's own maximum (16,384, column XFD). */
export const MAX_COLUMNS = 16_384;

/** Rows of one sheet: Excel's own maximum (1,048,576). */
export const MAX_SHEET_ROWS = 1_048_576;

/**
 * Cells a sheet may span (its used range, rows × columns, empty cells included): the most an .xls can
 * hold (65,536 rows × 256 columns). A real export is far smaller — an .xlsx within the unpacked limit
 * below holds a few million cells — but a file may declare any range: a 48-byte SYLK text naming cell
 * Y100000;X1000 made the grid of every row 2.4 GB before this bound.
 */
export const MAX_SHEET_CELLS = 65_536 * 256;

/**
 * Characters in one row (record) of a CSV. A quote that is never closed makes the rest of the file one
 * cell: without a bound, a 2 GB file would be held in memory whole (and re-scanned by the parser for every
 * chunk). 16 Mi characters is far beyond any real row: 16,384 columns of 1,000 characters.
 */
export const MAX_ROW_CHARS = 1 << 24;

/** Parsed rows held between the parser and the reader, in characters: bounds memory when rows are huge. */
export const MAX_QUEUED_CHARS = 1 << 25;

/**
 * An .xlsx/.xls is read whole (SheetJS has no streaming reader): larger ones must be saved as CSV.
 * Measured here: a 25.7 MB .xlsx (100,000 rows × 30 columns) peaks at 677 MB, so 50 MB is about 1.3 GB;
 * an .xls from 问卷星 (at most 65,536 rows) stays well under it.
 */
export const MAX_SPREADSHEET_BYTES = 50 * 1024 * 1024;

/**
 * What an .xlsx (a zip) may unpack to. The file size alone does not bound memory: a 19.6 MB .xlsx whose
 * sheet unpacks to 234 MB (2,000,000 short rows) peaked at 1.9 GB, and repetitive XML packs far smaller.
 */
export const MAX_SPREADSHEET_UNPACKED = 128 * 1024 * 1024;

/**
 * Follows the record structure of decoded CSV text chunk by chunk, as papaparse reads it (a quote opens a
 * quoted cell only at the start of a cell; inside, `""` is a quote and a quote closes the cell only before a
 * delimiter, a line end or the end of the file, whitespace allowed between), to know how long the current record has grown
 * before the parser has to hold it. Linear in the input: it jumps between quotes and line ends with indexOf.
 */
export class RecordGuard {
  private inQuotes = false;
  /** Characters of the current record scanned so far. */
  private length = 0;
  /** The last character scanned: a quote after a delimiter opens a quoted cell. */
  private prev = "";
  /** A closing-quote candidate at the end of a chunk, decided when the next chunk shows what follows it. */
  private carry = "";
  /** Records ended so far (the header is the first). */
  records = 0;
  /** Offsets in the last chunk fed of the LFs outside quotes not preceded by a CR (with `markBareLf`). */
  private bare: number[] = [];
  constructor(
    private readonly delimiter: string,
    private readonly eol: string,
    /** Finds the bare LFs (eol must be "\n"), for `withCarriageReturns`. */
    private readonly markBareLf = false,
  ) {}

  /**
   * The chunk last fed, with a CR put before each LF outside quotes that had none: a CRLF file's text as
   * a parser that ends records at CRLF only must see it.
   */
  withCarriageReturns(chunk: string): string {
    if (this.bare.length === 0) return chunk;
    let out = "";
    let from = 0;
    for (const at of this.bare) {
      out += `${chunk.slice(from, at)}\r`;
      from = at;
    }
    return out + chunk.slice(from);
  }

  /** Feeds the next decoded chunk (`final` for the end of the file); returns the current record's length. */
  feed(chunk: string, final = false): number {
    const s = this.carry + chunk;
    // The carry is a closing-quote candidate and what follows it, never a line end: an LF in s is in chunk.
    const carried = this.carry.length;
    this.carry = "";
    if (this.bare.length) this.bare = [];
    let start = -this.length;
    let end = s.length;
    let i = 0;
    let q = -2;
    let n = -2;
    while (i < s.length) {
      if (q < i && q !== -1) q = s.indexOf('"', i);
      if (!this.inQuotes) {
        if (n < i && n !== -1) n = s.indexOf(this.eol, i);
        if (n !== -1 && (q === -1 || n < q)) {
          if (this.markBareLf && (n > 0 ? s[n - 1] : this.prev) !== "\r") this.bare.push(n - carried);
          i = n + this.eol.length;
          start = i;
          this.records++;
          continue;
        }
        if (q === -1) break;
        // At the start of a cell: of the record, or after a delimiter.
        if (q === start || (q === 0 ? this.prev : s[q - 1]) === this.delimiter) this.inQuotes = true;
        i = q + 1;
        continue;
      }
      if (q === -1) break;
      let j = q + 1;
      if (s[j] === '"') {
        i = j + 1;
        continue;
      }
      // papaparse allows whitespace (as String.trim sees it) between a closing quote and what follows.
      while (j < s.length && s[j] !== this.delimiter && !s.startsWith(this.eol, j) && /\s/.test(s[j]!)) j++;
      if (j + this.eol.length > s.length && !final && !(j < s.length && s[j] === this.delimiter)) {
        this.carry = s.slice(q);
        end = q;
        break;
      }
      if (j >= s.length || s[j] === this.delimiter || s.startsWith(this.eol, j)) this.inQuotes = false;
      i = q + 1;
    }
    // A line end cut in two by the chunk boundary ("\r" | "\n") is decided with the next chunk.
    if (!final && !this.inQuotes && !this.carry && this.eol.length > 1 && s.endsWith(this.eol[0]!)) {
      this.carry = s.slice(-1);
      end = s.length - 1;
    }
    if (end > 0) this.prev = s[end - 1]!;
    this.length = end - start;
    return this.length + this.carry.length;
  }
}

/**
 * Options of one choice question. Dropdowns of every city in China hold about 3,000; far more is a broken
 * definition, and its report would chart every option.
 */
export const MAX_OPTIONS = 10_000;

/** Options of a ranking: its tally holds one count per option and position, so options² of them. */
export const MAX_RANK_OPTIONS = 1_000;

/** Bins of a number question (`bins:`): each becomes a row of its table and a bar of its chart. */
export const MAX_BINS = 1_000;

/**
 * How deeply a `when` expression may nest: brackets, unary operators, `?:` and the operands of a chain of
 * `&&`/`||` each add a level. The parser and the evaluator recurse once per level, and a few thousand levels
 * overflow the stack; real conditions have fewer than ten.
 */
export const MAX_WHEN_DEPTH = 100;

/**
 * How deeply the narrative (report.md) may nest blockquotes and lists. marked recurses per level, and a few
 * thousand `>` overflow the stack; the report has no use for more than a few.
 */
export const MAX_NARRATIVE_DEPTH = 50;

/** Aliases a YAML file (survey.yaml, a template's template.yaml or style.yaml) may expand: more is an attack ("billion laughs"), not a definition. */
export const MAX_YAML_ALIASES = 100;

/**
 * Files and folders a glob (`'data/**\/*.csv'`) may pass on its walk. `'/proc/**\/*.csv'` walked 2.5 GB
 * of the kernel's files before; a folder of answer files holds hundreds.
 */
export const MAX_GLOB_ENTRIES = 100_000;

/** Folders a glob descends below the folder it starts in. */
export const MAX_GLOB_DEPTH = 32;
