/** Hand-made Connection records for script tests (no engine needed). */
import type { Connection, ConnId, Endpoint } from "../../src/event/records.js";

export function endpoint(over: Partial<Endpoint> = {}): Endpoint {
  return { size: 0, state: 0, num_pkts: 0, num_bytes_ip: 0, flow_label: 0, ...over };
}

export function connection(over: Partial<Omit<Connection, "id">> & { id?: Partial<ConnId> } = {}): Connection {
  const { id, ...rest } = over;
  return {
    id: { orig_h: "10.0.0.1", orig_p: 40000, resp_h: "93.184.216.34", resp_p: 80, transport: "tcp", proto: 6, ...id },
    orig: endpoint(),
    resp: endpoint(),
    start_time: 1000.5,
    duration: 0,
    service: new Set(),
    history: "",
    uid: "CHhAvVGS1DHFjwGM9",
    ...rest,
  };
}
