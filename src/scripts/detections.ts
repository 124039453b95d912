/**
 * The detection policy scripts bronze has, each loaded when named on the
 * command line (`bronze -r t.pcap protocols/ssh/detect-bruteforcing`), on
 * one SumStats framework and the notice framework.
 */
import { DNS_DETECT_EXTERNAL_NAMES } from "../analyzer/app/dns/detect-external-names.js";
import { FTP_DETECT } from "../analyzer/app/ftp/detect.js";
import { FTP_DETECT_BRUTEFORCING } from "../analyzer/app/ftp/detect-bruteforcing.js";
import { HTTP_DETECT_SQL_INJECTION } from "../analyzer/app/http/detect-sql-injection.js";
import { SSH_DETECT_BRUTEFORCING } from "../analyzer/app/ssh/detect-bruteforcing.js";
import type { DetectionScript } from "./sumstats/detection.js";

export const DETECTION_SCRIPTS: readonly DetectionScript[] = [
  SSH_DETECT_BRUTEFORCING,
  FTP_DETECT_BRUTEFORCING,
  FTP_DETECT,
  HTTP_DETECT_SQL_INJECTION,
  DNS_DETECT_EXTERNAL_NAMES,
];
