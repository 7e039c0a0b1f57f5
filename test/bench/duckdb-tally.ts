import { DuckDBInstance } from "@duckdb/node-api";
import { header, MULTI, SINGLE } from "./generate.js";

/**
 * The same tally in DuckDB, for comparison: the CSV is read once into a table, then per-column value
 * counts of every closed question, Likert × role counts, multi-selects via string_split + unnest, the age
 * summary and the count of open answers. Prints the role counts as JSON, to check both tools agree.
 */
const path = process.argv[2]!;
const h = header();
const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
const role = q(h[3]!);
const likert = h.slice(4, 19).map(q);
const multi = h.slice(19, 19 + MULTI.length).map(q);
const age = q(h[19 + MULTI.length]!);
const single = h.slice(20 + MULTI.length, 20 + MULTI.length + SINGLE.length).map(q);
const texts = h.slice(-2).map(q);

const db = await DuckDBInstance.create(":memory:");
const c = await db.connect();
await c.run(`CREATE TABLE t AS SELECT * FROM read_csv('${path.replace(/'/g, "''")}', header = true, all_varchar = true, quote = '"', escape = '"')`);
const roles = await c.runAndReadAll(`SELECT ${role} AS v, count(*) AS n FROM t GROUP BY 1 ORDER BY 1`);
await c.runAndReadAll(`SELECT col, v, count(*) FROM (UNPIVOT (SELECT ${[...likert, ...single].join(", ")} FROM t) ON COLUMNS(*) INTO NAME col VALUE v) GROUP BY ALL`);
await c.runAndReadAll(`SELECT r, col, v, count(*) FROM (UNPIVOT (SELECT ${role} AS r, ${likert.join(", ")} FROM t) ON ${likert.join(", ")} INTO NAME col VALUE v) GROUP BY ALL`);
for (const m of multi) await c.runAndReadAll(`SELECT v, count(*) FROM (SELECT unnest(string_split(${m}, '┋')) AS v FROM t) GROUP BY 1`);
await c.runAndReadAll(`SELECT count(a), avg(a), stddev_samp(a), median(a), min(a), max(a) FROM (SELECT CAST(${age} AS INTEGER) AS a FROM t)`);
for (const x of texts) await c.runAndReadAll(`SELECT count(*) FILTER (WHERE ${x} <> '(空)') FROM t`);
process.stdout.write(JSON.stringify(Object.fromEntries(roles.getRows().map(([v, n]) => [String(v), Number(n)]))));
