import { zip, type ZipOptions } from "fflate";

/**
 * The last step of the package: its parts zipped by fflate, every entry dated `date`, so that the same
 * input gives the same bytes. fflate's asynchronous `zip` deflates a large part (the document of a report
 * with thousands of open answers) on a worker thread of its own while the small ones are deflated here.
 */

/**
 * fflate's options for entries dated `date` in UTC. fflate writes an entry's time in local time, so the
 * date is shifted by the time zone's offset: the fields it writes are then the UTC ones, and the bytes
 * are the same in every time zone. fflate writes the years 1980 to 2099 (a zip entry holds up to 2107);
 * a date outside is clamped.
 */
export function entryOptions(date: Date): ZipOptions {
  const utc = Math.min(Math.max(date.getTime(), Date.UTC(1980, 0, 2)), Date.UTC(2099, 11, 31, 23, 59, 58));
  const local = new Date(utc);
  return { level: 6, mtime: new Date(utc + local.getTimezoneOffset() * 60_000) };
}

/** Zips `parts` in name order ([Content_Types].xml sorts first, where readers look for it), each dated `date`. */
export function zipPackage(parts: Record<string, Uint8Array>, date: Date): Promise<Uint8Array> {
  const sorted: Record<string, Uint8Array> = {};
  for (const name of Object.keys(parts).sort()) if (!name.endsWith("/")) sorted[name] = parts[name]!;
  return new Promise((resolve, reject) => zip(sorted, entryOptions(date), (error, data) => (error ? reject(error) : resolve(data))));
}
