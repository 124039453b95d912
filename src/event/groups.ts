/**
 * Zeek's event groups (Zeek 6+): a handler of an event or a hook is in the
 * attribute groups it names (`&group="name"`, here `{ group }`) and in the
 * module group of the module it was written in (`{ module }`); a group is
 * switched off and on at run time, and a handler runs only while every one
 * of its groups is on.
 *
 * Semantics as Zeek's EventRegistry: a group exists once a handler names it
 * (never before, never removed); attribute and module groups of the same
 * name are different groups; enabling or disabling a group that does not
 * exist is an error and changes nothing.
 *
 * Cost: a handler's owner (the event bus, the hooks) keeps, per event, one
 * slot per handler holding either the handler or a no-op; a group's switch
 * rewrites the slots of its members' events in place, so dispatch reads the
 * slots as it always did and a handler disabled by an earlier handler of
 * the same event is skipped in that very dispatch (Zeek checks each body as
 * it reaches it).
 */

export type GroupKind = "attribute" | "module";

/** Where a handler sits: the owner refreshes its slots when a group of the handler switches. */
export interface GroupMember {
  readonly groups: readonly EventGroup[];
  /** True while any of its groups is disabled. */
  disabled: boolean;
  /** Rewrites the owner's slots of this handler's event (called once per event per switch). */
  readonly refresh: () => void;
}

export class EventGroup {
  enabled = true;
  readonly members: GroupMember[] = [];
  constructor(
    readonly kind: GroupKind,
    readonly name: string,
  ) {}
}

/** The groups a handler names: attribute groups (one name or several) and its module. */
export interface GroupOptions {
  /** Zeek's `&group="name"` (several: every one must be enabled for the handler to run). */
  group?: string | readonly string[];
  /** The module the handler belongs to (Zeek's implicit module group). */
  module?: string;
}

export class EventGroups {
  private readonly attribute = new Map<string, EventGroup>();
  private readonly module = new Map<string, EventGroup>();

  /** The group, if a handler named it. */
  lookup(kind: GroupKind, name: string): EventGroup | undefined {
    return this.table(kind).get(name);
  }

  /**
   * Puts a handler into the groups `options` names (registering new ones):
   * null for a handler in none, which then costs nothing more. A handler
   * joining a group already disabled starts disabled.
   */
  join(options: GroupOptions, refresh: () => void): GroupMember | null {
    const names = options.group === undefined ? [] : typeof options.group === "string" ? [options.group] : options.group;
    const groups = new Set<EventGroup>(names.map((n) => this.register("attribute", n)));
    if (options.module !== undefined) groups.add(this.register("module", options.module));
    if (groups.size === 0) return null;
    const member: GroupMember = { groups: [...groups], disabled: false, refresh };
    member.disabled = member.groups.some((g) => !g.enabled);
    for (const g of member.groups) g.members.push(member);
    return member;
  }

  /** Switches a group; false (and nothing changes) when no handler named it. */
  setEnabled(kind: GroupKind, name: string, enabled: boolean): boolean {
    const group = this.lookup(kind, name);
    if (group === undefined) return false;
    if (group.enabled === enabled) return true;
    group.enabled = enabled;
    const refreshes = new Set<() => void>();
    for (const m of group.members) {
      const disabled = m.groups.some((g) => !g.enabled);
      if (disabled === m.disabled) continue;
      m.disabled = disabled;
      refreshes.add(m.refresh);
    }
    for (const refresh of refreshes) refresh();
    return true;
  }

  private register(kind: GroupKind, name: string): EventGroup {
    const table = this.table(kind);
    let group = table.get(name);
    if (group === undefined) table.set(name, (group = new EventGroup(kind, name)));
    return group;
  }

  private table(kind: GroupKind): Map<string, EventGroup> {
    return kind === "attribute" ? this.attribute : this.module;
  }
}

/** What a disabled handler's slot holds: a call of it does nothing (and, for a hook, does not break). */
export function disabledHandler(): undefined {
  return undefined;
}

/** What a handler's slot holds: the handler, or the no-op while one of its groups is disabled. */
export function slotOf<F>(fn: F, member: GroupMember | null): F | typeof disabledHandler {
  return member?.disabled === true ? disabledHandler : fn;
}
