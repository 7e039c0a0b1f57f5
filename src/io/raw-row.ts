/**
 * One data row as read: cells as text, and the row number a spreadsheet shows (header = row 1). What
 * every reader of a table yields (csv.ts, spreadsheet.ts, through table.ts), so it sits below them all.
 */
export interface RawRow {
  row: number;
  cells: string[];
}
