/**
 * The application analyzers of one UDP flow: those of the tree (expected,
 * by port, by DPD signature through the datagram PIA), each handed every
 * datagram's payload in order. Created only for flows that have one.
 */
import type { AnalyzerInstance, AnalyzerOwner } from "./instance.js";
import { DatagramPia } from "./pia.js";
import type { AnalyzerRegistry } from "./registry.js";
import { AnalyzerTree } from "./tree.js";

export class ConnDatagrams extends AnalyzerTree {
  private analyzers: AnalyzerInstance[] = [];
  private pia: DatagramPia | null = null;
  private delivering = false;
  private changed = false;

  constructor(owner: AnalyzerOwner, registry: AnalyzerRegistry) {
    super(owner, registry, true);
  }

  /** Starts DPD on this flow when UDP signatures are loaded. */
  startPia(): void {
    const sigs = this.registry?.signaturesFor(true);
    if (sigs === null || sigs === undefined || this.pia !== null) return;
    this.pia = new DatagramPia(this, sigs, this.owner.ctx.settings);
  }

  /** True while an analyzer or the PIA still wants datagrams. */
  get analyzing(): boolean {
    return this.analyzers.length > 0 || this.pia !== null;
  }

  protected attach(instance: AnalyzerInstance): void {
    if (this.delivering) {
      this.changed = true;
      this.pending.push(instance);
    } else this.analyzers.push(instance);
  }

  private pending: AnalyzerInstance[] = [];

  protected detachInstance(instance: AnalyzerInstance): void {
    if (this.delivering) {
      this.changed = true;
      this.detached.push(instance);
    } else this.analyzers = this.analyzers.filter((a) => a !== instance);
  }

  /** Instances that left during a delivery (a disabled one stays listed until its done: see AnalyzerInstance.remove). */
  private detached: AnalyzerInstance[] = [];

  piaDone(): void {
    this.pia = null;
  }

  enableForSignature(name: string): void {
    if (this.pia !== null) this.pia.enable(name);
    else this.activateByName(name);
  }

  /** One datagram's payload, to every analyzer, then the PIA (Zeek's child order). */
  deliver(isOrig: boolean, data: Uint8Array): void {
    this.delivering = true;
    try {
      const list = this.analyzers;
      for (let i = 0; i < list.length; i++) list[i]!.deliverPacket(isOrig, data);
      this.pia?.deliverPacket(isOrig, data);
    } finally {
      this.delivering = false;
      if (this.changed) {
        this.changed = false;
        const gone = this.detached;
        this.analyzers = this.analyzers.concat(this.pending).filter((a) => !gone.includes(a));
        this.pending = [];
        this.detached = [];
      }
    }
  }

  /** The flow is removed: every analyzer's `done`, once. */
  done(): void {
    this.pia?.done();
    this.pia = null;
    this.analyzers = [];
    this.doneAll();
  }
}
