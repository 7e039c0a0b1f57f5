import type { Diagnostic } from "./diagnostic.js";
import { SurveyError } from "./errors.js";

/**
 * Errors of the operating system (a read-only disk, a full one, a path through a file, a link loop…) are
 * the user's environment, not a bug: each becomes one FILE_SYSTEM line naming the path and exit 2. The one
 * mapping for every command (main's top-level catch, --each's groups, outputs). The `code` of a Node
 * system error is its errno name; the messages say what it means for the user's file.
 */
const MEANINGS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "the operation is not permitted",
  EROFS: "the file system is read-only",
  ENOSPC: "no space left on the disk",
  EDQUOT: "the disk quota is used up",
  EFBIG: "the file is too large for this file system",
  ENOTDIR: "a part of the path is a file, not a folder",
  EISDIR: "it is a folder, not a file",
  ELOOP: "too many symbolic links (a link that leads back to itself)",
  ENAMETOOLONG: "the name is too long for the file system",
  EEXIST: "it exists already",
  ENOENT: "no such file or folder",
  ENOTEMPTY: "the folder is not empty",
  EMFILE: "too many files are open",
  ENFILE: "too many files are open on this system",
  EIO: "an input/output error (a failing disk or a lost network drive)",
  EBUSY: "it is busy (in use by another program)",
  ETXTBSY: "it is busy (a program being run)",
  EXDEV: "it is on another disk",
  EINVAL: "the name or operation is not valid on this file system",
  ENXIO: "no such device (a pipe without a reader, or a device that is gone)",
  ENODEV: "no such device",
  ESTALE: "the network file system lost the file",
  ENOTCONN: "the network file system is not connected",
  ETIMEDOUT: "the file system did not answer in time",
  EAGAIN: "the file is temporarily unavailable",
  ENOMEM: "not enough memory for the operation",
  EOPNOTSUPP: "the file system does not support the operation",
  ENOTSUP: "the file system does not support the operation",
};

/** Hints for the errors whose fix is not obvious from the meaning. */
const HINTS: Record<string, string> = {
  EACCES: "check the permissions of the file and its folder, or choose another path",
  EPERM: "check the permissions of the file and its folder, or choose another path",
  EROFS: "write the output to a writable folder (-o)",
  ENOSPC: "free some space, or write to another disk (-o; TMPDIR for temporary files)",
  EDQUOT: "free some space, or write to another disk (-o)",
  ENAMETOOLONG: "choose a shorter name",
  ELOOP: "check the symbolic links on the path",
  ENOTDIR: "check the path: a file name is used as a folder",
};

/** Whether `err` is an error of the operating system that this mapping knows. */
export function isSystemError(err: unknown): err is NodeJS.ErrnoException {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === "string" && Object.hasOwn(MEANINGS, code) && err instanceof Error;
}

/**
 * The diagnostic for a system error, or undefined when `err` is not one. `file` is the path as the user
 * should see it (e.g. the output they named, not its temporary file); default the error's own path.
 */
export function systemDiagnostic(err: unknown, file?: string): Diagnostic | undefined {
  if (!isSystemError(err)) return undefined;
  const code = err.code!;
  const shown = file ?? err.path;
  const operation = err.syscall ? ` (${err.syscall})` : "";
  return {
    code: "FILE_SYSTEM",
    severity: "error",
    file: shown,
    message: `${MEANINGS[code]}${operation}: ${code}`,
    hint: HINTS[code],
  };
}

/** `err` as a SurveyError (exit 2) when it is a system error; otherwise `err` unchanged. */
export function fromSystemError(err: unknown, file?: string): unknown {
  const d = systemDiagnostic(err, file);
  return d ? new SurveyError([d]) : err;
}
