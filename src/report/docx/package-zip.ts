import { zipSync, type ZipOptions } from "fflate";

/**
 * The last step of the package: its parts zipped by fflate, every entry dated `date`, so that the same
 * input gives the same bytes.
 *
 * Synchronous on purpose. fflate's asynchronous `zip` deflates each part of 160 KB or more on a new worker
 * thread, where deflate starts cold; measured on this project's 2-core machine (issue 16), zipping the
 * bench's 60-question report (a 2 MB document) took 420–500 ms of CPU that way against 290–350 ms with
 * `zipSync`, and the 13-chart example 290–330 ms against 140–175 ms, with no gain in wall time.
 */

/**
 * fflate's options for entries dated `date` in UTC. fflate writes an entry's time in local time, so the
 * date is shifted by the time zone's offset (taken at the shifted time, for a date near a change of
 * daylight saving time): the fields it writes are then the UTC ones, and the bytes are the same in every
 * time zone. fflate writes the years 1980 to 2099 (a zip entry holds up to 2107); a date outside is clamped.
 */
export function entryOptions(date: Date): ZipOptions {
  const utc = Math.min(Math.max(date.getTime(), Date.UTC(1980, 0, 2)), Date.UTC(2099, 11, 31, 23, 59, 58));
  const shifted = (at: number) => utc + new Date(at).getTimezoneOffset() * 60_000;
  return { level: 6, mtime: new Date(shifted(shifted(utc))) };
}

/** Zips `parts` in name order ([Content_Types].xml sorts first, where readers look for it), each dated `date`. */
export function zipPackage(parts: Record<string, Uint8Array>, date: Date): Uint8Array {
  const sorted: Record<string, Uint8Array> = {};
  for (const name of Object.keys(parts).sort()) if (!name.endsWith("/")) sorted[name] = parts[name]!;
  return zipSync(sorted, entryOptions(date));
}
