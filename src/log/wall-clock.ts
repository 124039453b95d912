/** Wall-clock stamps of `#open`/`#close` lines: local time, `%Y-%m-%d-%H-%M-%S`. */

/** Two digits, as strftime's %m, %d, %H, %M, %S write them. */
export function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

export function formatLogStamp(date: Date): string {
  return `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())}-${pad2(date.getHours())}-${pad2(date.getMinutes())}-${pad2(date.getSeconds())}`;
}
