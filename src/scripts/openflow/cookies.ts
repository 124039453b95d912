/**
 * Flow cookies as Zeek's OpenFlow framework makes and reads them: its mark
 * (ZEEK_COOKIE_ID) in bits 40-63, a group id in bits 32-39, a unique id in
 * bits 0-31. Cookies stay below 2^43, exact in a JavaScript number.
 */
import { COOKIE_BID_START, COOKIE_GID_START, COOKIE_UID_SIZE, ZEEK_COOKIE_ID } from "./consts.js";

/** Where the functions report (Reporter::warning). */
export type Warn = (message: string) => void;

/** The framework's mark alone: a cookie with group and unique id 0. */
const ZEEK_COOKIE = ZEEK_COOKIE_ID * COOKIE_BID_START;

/** OpenFlow::generate_cookie: the framework's cookie with unique id `uid`; a uid of more than 32 bits is dropped (with a warning). */
export function generateCookie(uid = 0, warn?: Warn): number {
  if (uid < COOKIE_UID_SIZE) return ZEEK_COOKIE + uid;
  warn?.(`The given cookie uid '${uid}' is > 32bit and will be discarded`);
  return ZEEK_COOKIE;
}

/** Whether the framework made `cookie` (its mark in the top bits); warns when not, as Zeek does. */
export function isValidCookie(cookie: number, warn?: Warn): boolean {
  if (Math.floor(cookie / COOKIE_BID_START) === ZEEK_COOKIE_ID) return true;
  warn?.(`The given Openflow cookie '${cookie}' is not valid`);
  return false;
}

/** OpenFlow::get_cookie_uid: the low 32 bits; null for a cookie not the framework's (Zeek's INVALID_COOKIE). */
export function getCookieUid(cookie: number, warn?: Warn): number | null {
  return isValidCookie(cookie, warn) ? cookie % COOKIE_GID_START : null;
}

/** OpenFlow::get_cookie_gid: bits 32-39; null for a cookie not the framework's (Zeek's INVALID_COOKIE). */
export function getCookieGid(cookie: number, warn?: Warn): number | null {
  if (!isValidCookie(cookie, warn)) return null;
  return (cookie - ZEEK_COOKIE - (cookie % COOKIE_GID_START)) / COOKIE_GID_START;
}
