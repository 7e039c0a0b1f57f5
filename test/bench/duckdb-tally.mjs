// The same tally in DuckDB, for `npm run bench` (plain JavaScript, so no TypeScript loader is timed).
// The CSV is read once into a table; then one grouped pass gives every closed question's value counts
// within each role (Likert × role; the totals are their sums) and the age summary, a second pass counts
// multi-selects via string_split + unnest (on ┋), a third the age median (when the file has an age).
// With "blank" in the columns (the real-shaped file: "(空)"), that marker is read as NULL, so a skipped
// question counts in no option and an open answer is counted only where it was given; codes are counted
// as the values they are. Prints, as JSON, the respondents by role and every question's counts (closed
// questions summed over the roles, multi-selects by option, open questions by answers given), so the
// runner can check that both tools counted the same data.
import { DuckDBInstance } from "@duckdb/node-api";

const [path, headerJson] = process.argv.slice(2);
const h = JSON.parse(headerJson);
const q = (name) => `"${name.replace(/"/g, '""')}"`;
const s = (text) => `'${text.replace(/'/g, "''")}'`;
const role = q(h.role);
const closed = h.closed.map(q);
const multi = h.multi.map(q);
const age = h.age === undefined ? undefined : q(h.age);
const texts = h.texts.map(q);
// Without a blank marker read as NULL (the label-shaped file), an open answer "(空)" is not an answer.
const given = (x) => (h.blank === undefined ? `count(*) FILTER (WHERE ${x} <> '(空)')` : `count(${x})`);

const db = await DuckDBInstance.create(":memory:");
const c = await db.connect();
await c.run(
  `CREATE TABLE t AS SELECT * FROM read_csv(${s(path)}, header = true, all_varchar = true, quote = '"', escape = '"'${h.blank === undefined ? "" : `, nullstr = ${s(h.blank)}`})`,
);
const ageStats = age === undefined ? [] : ["count(a)", "avg(a)", "stddev_samp(a)", "min(a)", "max(a)"];
const byRole = await c.runAndReadAll(
  `SELECT ${role} AS r, count(*) AS n, ${[...closed.map((x) => `histogram(${x})`), ...ageStats, ...texts.map(given)].join(", ")}
   FROM (SELECT *${age === undefined ? "" : `, CAST(${age} AS INTEGER) AS a`} FROM t) GROUP BY 1 ORDER BY 1`,
);
const multis = await c.runAndReadAll(
  `SELECT m, v, count(*) FROM (${multi.map((x, i) => `SELECT ${i} AS m, unnest(string_split(${x}, '┋')) AS v FROM t`).join(" UNION ALL ")}) GROUP BY ALL`,
);
if (age !== undefined) await c.runAndReadAll(`SELECT median(CAST(${age} AS INTEGER)) FROM t`);

const counts = {};
const add = (column, value, n) => {
  counts[column] ??= {};
  counts[column][value] = (counts[column][value] ?? 0) + n;
};
const roles = {};
for (const row of byRole.getRows()) {
  roles[String(row[0])] = Number(row[1]);
  h.closed.forEach((column, k) => {
    for (const { key, value } of row[2 + k]?.entries ?? []) add(column, String(key), Number(value));
  });
  h.texts.forEach((column, k) => add(column, "answered", Number(row[2 + h.closed.length + ageStats.length + k])));
}
for (const [m, v, n] of multis.getRows()) add(h.multi[Number(m)], String(v), Number(n));
process.stdout.write(JSON.stringify({ roles, counts }));
