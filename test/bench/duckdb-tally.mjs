// The same tally in DuckDB, for `npm run bench` (plain JavaScript, so no TypeScript loader is timed).
// The CSV is read once into a table; then one grouped pass gives every closed question's value counts
// within each role (Likert × role; the totals are their sums) and the age summary, a second pass counts
// multi-selects via string_split + unnest, a third the age median. Prints the role counts as JSON, so the
// runner can check that both tools counted the same data.
import { DuckDBInstance } from "@duckdb/node-api";

const [path, headerJson] = process.argv.slice(2);
const h = JSON.parse(headerJson);
const q = (name) => `"${name.replace(/"/g, '""')}"`;
const role = q(h.role);
const closed = h.closed.map(q);
const multi = h.multi.map(q);
const age = q(h.age);
const texts = h.texts.map(q);

const db = await DuckDBInstance.create(":memory:");
const c = await db.connect();
await c.run(`CREATE TABLE t AS SELECT * FROM read_csv('${path.replace(/'/g, "''")}', header = true, all_varchar = true, quote = '"', escape = '"')`);
const byRole = await c.runAndReadAll(
  `SELECT ${role} AS r, count(*) AS n, ${closed.map((x) => `histogram(${x})`).join(", ")},
     count(a), avg(a), stddev_samp(a), min(a), max(a), ${texts.map((x) => `count(*) FILTER (WHERE ${x} <> '(空)')`).join(", ")}
   FROM (SELECT *, CAST(${age} AS INTEGER) AS a FROM t) GROUP BY 1 ORDER BY 1`,
);
await c.runAndReadAll(
  `SELECT m, v, count(*) FROM (${multi.map((x, i) => `SELECT ${i} AS m, unnest(string_split(${x}, '┋')) AS v FROM t`).join(" UNION ALL ")}) GROUP BY ALL`,
);
await c.runAndReadAll(`SELECT median(CAST(${age} AS INTEGER)) FROM t`);
process.stdout.write(JSON.stringify(Object.fromEntries(byRole.getRows().map(([r, n]) => [String(r), Number(n)]))));
