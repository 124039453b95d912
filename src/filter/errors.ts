/**
 * The one error a capture filter expression can raise at compile time.
 *
 * The message always says where: the expression, a caret under the offending
 * column, and what was expected there, e.g.
 *
 *     at column 10: expected a port number or name after 'port'
 *       tcp port and host 1.2.3.4
 *                ^
 */
export class FilterSyntaxError extends Error {
  override name = "FilterSyntaxError";

  constructor(
    /** What went wrong, without position (e.g. "expected ')'"). */
    readonly reason: string,
    /** The whole filter expression. */
    readonly expression: string,
    /** 0-based character offset of the problem in `expression`. */
    readonly position: number,
  ) {
    super(FilterSyntaxError.format(reason, expression, position));
  }

  /** 1-based column, as shown in the message. */
  get column(): number {
    return this.position + 1;
  }

  private static format(reason: string, expression: string, position: number): string {
    const at = Math.max(0, Math.min(position, expression.length));
    return `at column ${at + 1}: ${reason}\n  ${expression}\n  ${" ".repeat(at)}^`;
  }
}
