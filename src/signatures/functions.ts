/**
 * What Zeek's signature files name in scripts, for bronze's TypeScript
 * policies: `eval NAME` conditions (Engine.signatureCondition),
 * `event NAME ["msg"]` custom events (Engine.onSignatureEvent) and script
 * identifiers as values (`dst-ip == mynets`: Engine.signatureConstant). The names
 * are looked up when the engine starts, not when the signatures load: the
 * CLI loads `-s` files before the policy scripts that register them. A
 * name nobody registered (or an event registered in the other form) is one
 * SignatureError naming the file and line, as Zeek refuses the file.
 */
import type { EventBus } from "../event/bus.js";
import { SignatureSet } from "./compiled.js";
import type { SignatureState } from "./events.js";
import {
  type AddressTest,
  type HeaderTest,
  type MaskedValue,
  type NameRef,
  type Prefix,
  prefixOf,
  type RuleAction,
  SignatureError,
  type UserSignature,
} from "./parse.js";

/**
 * A script constant signature files may name as a value (Zeek's `const
 * udp_proto_number = 17;`, `const mynets: set[subnet] = {...}`): numbers
 * (counts, ports, protocol numbers) for port, ip-proto and header
 * conditions; addresses and prefixes as text ("10.0.0.0/8", "::1") for
 * src-ip and dst-ip. A list stands for a set.
 */
export type SignatureConstant = number | string | readonly number[] | readonly string[];

/**
 * An `eval` condition (Zeek's `function(state: signature_state, data:
 * string): bool`): `data` is the chunk the signature's patterns just matched
 * in (bytes as latin1 text), empty when it is tried without new data (no
 * pattern, at the end, once a requirement fired). Anything but `true`
 * (including a throw, which is reported) is false.
 */
export type SignatureCondition = (state: SignatureState, data: string) => boolean;

/** A handler of `event NAME "msg"`: Zeek's `event NAME(state, msg, data, end_of_match)`. */
export type SignatureMessageHandler = (state: SignatureState, msg: string, data: string, endOfMatch: number) => void;

/** A handler of `event NAME` (no message): Zeek's `event NAME(state, data, end_of_match)`. */
export type SignatureDataHandler = (state: SignatureState, data: string, endOfMatch: number) => void;

/** Which form of custom event a handler takes: with the action's message, or without. */
export type SignatureEventForm = "message" | "no-message";

/** A custom event's handlers, each called as a message-form one (`msg` null for the other form, which ignores it). */
interface CustomEvent {
  readonly form: SignatureEventForm;
  readonly handlers: ((state: SignatureState, msg: string | null, data: string, end: number) => void)[];
}

export class SignatureFunctions {
  private readonly conditions = new Map<string, SignatureCondition>();
  private readonly events = new Map<string, CustomEvent>();
  private readonly constants = new Map<string, readonly (number | string)[]>();
  private dispatching = false;

  constructor(private readonly bus: EventBus) {}

  /** Registers the function `eval NAME` calls; a second one for a name is an error (Zeek has one function per name). */
  condition(name: string, fn: SignatureCondition): void {
    if (this.conditions.has(name)) throw new Error(`signatureCondition: '${name}' is registered already`);
    this.conditions.set(name, fn);
  }

  /** Registers a script constant signature files may name as a value (a second value for a name replaces the first, as a redef). */
  constant(name: string, value: SignatureConstant): void {
    this.constants.set(name, typeof value === "object" ? [...value] : [value]);
  }

  /**
   * The set to match with: `set` itself, or, when signatures name script
   * constants, the signatures with those resolved, compiled anew. Then every
   * eval and custom event is checked. A SignatureError for the first unknown
   * or ill-typed name.
   */
  bind(sigs: readonly UserSignature[], set: SignatureSet): SignatureSet {
    const named = sigs.some((s) => s.headerTests.some((t) => t.names.length > 0) || s.addressTests.some((t) => t.names.length > 0));
    const bound = named ? new SignatureSet(sigs.map((s) => this.resolve(s))) : set;
    this.check(bound);
    return bound;
  }

  /** A signature with its tests' script identifiers replaced by their values. */
  private resolve(sig: UserSignature): UserSignature {
    const headerTests = sig.headerTests.map((t): HeaderTest => ({ ...t, values: [...t.values, ...t.names.flatMap((n) => this.numbers(sig, n))], names: [] }));
    const addressTests = sig.addressTests.map(
      (t): AddressTest => ({ ...t, prefixes: [...t.prefixes, ...t.names.flatMap((n) => this.prefixes(sig, n))], names: [] }),
    );
    return { ...sig, headerTests, addressTests };
  }

  /** A constant's values; Zeek's words when it is unknown. */
  private lookup(sig: UserSignature, ref: NameRef): readonly (number | string)[] {
    const value = this.constants.get(ref.name);
    if (value === undefined) fail(sig, ref.line, `unknown script-level identifier (${ref.name}): register it with Engine.signatureConstant`);
    return value;
  }

  private numbers(sig: UserSignature, ref: NameRef): MaskedValue[] {
    return this.lookup(sig, ref).map((v) => {
      if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 0xffffffff) fail(sig, ref.line, `Identifier must refer to integer (${ref.name})`);
      return { value: v, mask: 0xffffffff };
    });
  }

  private prefixes(sig: UserSignature, ref: NameRef): Prefix[] {
    return this.lookup(sig, ref).map((v) => {
      const prefix = typeof v === "string" ? prefixOf(v) : null;
      if (prefix === null) fail(sig, ref.line, `Wrong type of identifier (${ref.name}): addresses or subnets for src-ip and dst-ip`);
      return prefix;
    });
  }

  /** Adds a handler of a custom event (several may be, in one form, run in registration order). */
  onEvent(name: string, form: SignatureEventForm, handler: SignatureMessageHandler | SignatureDataHandler): void {
    const known = this.events.get(name);
    if (known !== undefined && known.form !== form) throw new Error(`onSignatureEvent: '${name}' has handlers of the ${known.form} form already`);
    // The form says which of the two the handler is (Engine.onSignatureEvent's overloads tie them).
    const call =
      form === "message"
        ? (state: SignatureState, msg: string | null, data: string, end: number) => (handler as SignatureMessageHandler)(state, msg ?? "", data, end)
        : (state: SignatureState, _msg: string | null, data: string, end: number) => (handler as SignatureDataHandler)(state, data, end);
    if (known === undefined) this.events.set(name, { form, handlers: [call] });
    else known.handlers.push(call);
    // Custom events go through the event queue (in order with signature_match): one carrier handler dispatches them.
    if (!this.dispatching) {
      this.dispatching = true;
      this.bus.on("signature_custom_event", (event, state, msg, data, end) => this.dispatch(event, state, msg, data, end));
    }
  }

  /** Calls `eval NAME`'s function; false for anything but `true`, and when it throws (reported as the event bus reports a handler's). */
  evaluate(name: string, state: SignatureState, data: string): boolean {
    try {
      return this.conditions.get(name)?.(state, data) === true;
    } catch (err) {
      this.bus.reportError(`eval ${name}`, err);
      return false;
    }
  }

  /** Checks every eval and custom event the signatures name; a SignatureError at the first unknown or mismatched one. */
  private check(set: SignatureSet): void {
    for (const { sig } of set.sigs) {
      for (const c of sig.conditions) {
        if (c.kind === "eval" && !this.conditions.has(c.name)) {
          fail(sig, c.line, `unknown identifier (${c.name}): no eval function of that name is registered with Engine.signatureCondition`);
        }
      }
      for (const a of sig.actions) if (a.kind === "custom-event") this.checkEvent(sig, a);
    }
  }

  private checkEvent(sig: UserSignature, a: Extract<RuleAction, { kind: "custom-event" }>): void {
    const known = this.events.get(a.name);
    // Zeek's words: the name must be an event with a handler's parameters.
    if (known === undefined) fail(sig, a.line, `identifier is not an event (${a.name})`);
    const form: SignatureEventForm = a.message === null ? "no-message" : "message";
    if (known.form !== form) {
      const why = form === "message" ? "the action has a message: (state, msg, data, end_of_match)" : "the action has no message: (state, data, end_of_match)";
      fail(sig, a.line, `wrong event parameters for '${a.name}' (${why})`);
    }
  }

  private dispatch(name: string, state: SignatureState, msg: string | null, data: string, end: number): void {
    const event = this.events.get(name);
    if (event === undefined) return;
    for (const h of event.handlers) {
      try {
        h(state, msg, data, end);
      } catch (err) {
        this.bus.reportError(name, err);
      }
    }
  }
}

function fail(sig: UserSignature, line: number, detail: string): never {
  throw new SignatureError(sig.file, line, detail);
}
