/**
 * An operating system error in the words of C's strerror, as Zeek's messages
 * quote it ("error writing to conn.log: No space left on device"): Node's
 * message ("ENOSPC: no space left on device, write") without its code and
 * system call, capitalised.
 */
export function systemErrorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const m = /^[A-Z0-9]+: ([^,]+)(?:,|$)/.exec(error.message);
  const text = m === null ? error.message : m[1]!;
  return text.charAt(0).toUpperCase() + text.slice(1);
}
