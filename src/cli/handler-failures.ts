/**
 * Exceptions thrown by the user's event handlers, as the command line reports
 * them: the run carries on (as Zeek's does after a script error), each
 * failure is a row of reporter.log (level ERROR, the message, the script's
 * own file and line as location), and stderr gets one line per failure site
 * — the first time — and, at the end, how often each site failed. A handler
 * that throws on every connection gives a handful of lines, not a stack per
 * call.
 */
import type { Reporter } from "../scripts/reporter.js";
import { scriptPosition } from "./user-scripts.js";

/** reporter.log rows per failure site; beyond, failures are only counted (a handler failing per packet would flood it). */
const ROWS_PER_SITE = 100;

interface Site {
  event: string;
  location: string;
  count: number;
}

/** The first stack frame, for a failure outside the user's scripts (bronze's own code, a library). */
function firstFrame(error: unknown): string | null {
  const stack = error instanceof Error ? (error.stack ?? "") : "";
  const m = /^\s*at (?:.*? \()?(.+?):(\d+):\d+\)?$/m.exec(stack);
  return m === null ? null : `${m[1]}, line ${m[2]}`;
}

export class HandlerFailures {
  private readonly sites = new Map<string, Site>();

  constructor(
    private readonly reporter: Reporter,
    private readonly scripts: ReadonlyMap<string, string>,
    private readonly stderr: (line: string) => void,
  ) {}

  /** The bus's error reporter (EventBus.reportError). */
  readonly report = (event: string, error: unknown): void => {
    const at = scriptPosition(error, this.scripts);
    const location = at !== null ? `${at.file}, line ${at.line}` : (firstFrame(error) ?? "");
    const key = `${event}\0${location}`;
    let site = this.sites.get(key);
    if (site === undefined) {
      site = { event, location, count: 0 };
      this.sites.set(key, site);
    }
    site.count++;
    if (site.count > ROWS_PER_SITE) return;
    const what = error instanceof Error ? `${error.name}: ${error.message.split("\n")[0]}` : String(error);
    // The first failure at a site is shown; repeats go to reporter.log and the summary.
    // A failing reporter_* handler is only logged (Zeek's &error_handler): an event would feed it again.
    const noEvent = event.startsWith("reporter_");
    this.reporter.error(`handler for ${event} failed: ${what}`, { location: location === "" ? undefined : location, quiet: site.count > 1, noEvent });
  };

  /** Failures so far, over all sites. */
  get total(): number {
    let n = 0;
    for (const s of this.sites.values()) n += s.count;
    return n;
  }

  /** One stderr line per site that failed more than once (call at the end of the run). */
  summarise(): void {
    for (const s of this.sites.values()) {
      if (s.count < 2) continue;
      const logged = s.count > ROWS_PER_SITE ? `the first ${ROWS_PER_SITE} in reporter.log` : "each in reporter.log";
      this.stderr(`bronze: handler for ${s.event}${s.location === "" ? "" : ` in ${s.location}`} failed ${s.count} times (${logged})`);
    }
  }
}
