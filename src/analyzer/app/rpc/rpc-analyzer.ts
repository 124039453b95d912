/**
 * The analyzer PORTMAPPER, MOUNT and NFS share (Zeek's RPC_Analyzer): over
 * UDP each datagram is one message (bad_RPC when the RPC layer rejects
 * it); over TCP each side's record-marked stream is cut into messages
 * (partial_RPC when rejected). When it goes away its pending calls time
 * out. It never confirms its protocol, as in Zeek: the service stays empty.
 * Over UDP the flow lives rpc_timeout from its start (its component's
 * udpFlow.lifetime), as Zeek's RPC expire timer removes it.
 */
import type { EngineSettings } from "../../../options.js";
import type { AnalyzerComponent, AnalyzerHost, DatagramAnalyzer, StreamAnalyzer } from "../analyzer.js";
import { RecordMarkingSide } from "./record-marking.js";
import { RpcInterpreter, type RpcProgram } from "./rpc.js";

class RpcAnalyzer<Request> implements StreamAnalyzer, DatagramAnalyzer {
  private readonly interp: RpcInterpreter<Request>;
  private readonly sides: readonly [RecordMarkingSide, RecordMarkingSide] | null;
  /** The RPC layer underflowed (Zeek's AnalyzerError): nothing more is read. */
  private stopped = false;

  constructor(
    private readonly host: AnalyzerHost,
    program: RpcProgram<Request>,
    tcp: boolean,
  ) {
    this.interp = new RpcInterpreter(host, program);
    this.sides = tcp ? [this.side(true), this.side(false)] : null;
  }

  private side(isOrig: boolean): RecordMarkingSide {
    const host = this.host;
    const sideHost = {
      now: () => host.now(),
      // Zeek asks the TCP endpoint's state: a side whose start was not seen, or that closed with its first data, resyncs.
      established: () => !host.isPartial() && !host.sideClosed(isOrig),
      weird: (name: string, addl?: string) => host.weird(name, addl, ""),
    };
    return new RecordMarkingSide(isOrig, sideHost, (message, start, last) => this.message(message, isOrig, start, last));
  }

  private message(data: Uint8Array, isOrig: boolean, start: number, last: number): boolean {
    if (this.stopped) return true;
    const ok = this.interp.deliver(data, isOrig, start, last);
    if (this.interp.underflow) this.stopped = true;
    return ok;
  }

  deliverPacket(isOrig: boolean, data: Uint8Array): void {
    const now = this.host.now();
    if (!this.message(data, isOrig, now, now)) this.host.weird("bad_RPC");
  }

  deliverStream(isOrig: boolean, _seq: number, data: Uint8Array): void {
    if (!this.stopped) this.sides?.[isOrig ? 0 : 1].deliver(data);
  }

  undelivered(isOrig: boolean): void {
    this.sides?.[isOrig ? 0 : 1].needResync();
  }

  endOfData(): void {}

  done(): void {
    this.interp.timeout(this.host.now());
  }
}

/** A UDP flow an RPC analyzer is attached to ends this long after it started (Zeek's rpc_timeout). */
function rpcLifetime(settings: EngineSettings): number {
  return settings.rpc_timeout;
}

/**
 * The component of an RPC program's analyzer: known by name only, as Zeek's
 * scripts register no port for it (Analyzer::register_for_port starts it).
 */
export function rpcComponent<Request>(name: string, program: (host: AnalyzerHost) => RpcProgram<Request>): AnalyzerComponent {
  return {
    name,
    script: "",
    stream: (host) => new RpcAnalyzer(host, program(host), true),
    datagram: (host) => new RpcAnalyzer(host, program(host), false),
    udpFlow: { lifetime: rpcLifetime },
    // Zeek's Init makes a Contents_RPC per side on TCP.
    supportAnalyzers: 2,
    supportAtInit: true,
  };
}
