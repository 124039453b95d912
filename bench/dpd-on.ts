/**
 * dpd-off.ts's twin: a policy script that changes nothing, so that
 * `bronze -r TRACE dist/bench/dpd-on.js` (detection on, as by default) and
 * `… dist/bench/dpd-off.js` (no DPD signatures) differ only in detection.
 */
export default function dpdOn(): void {}
