/**
 * Zeek's MIME events (src/analyzer/protocol/mime/events.bif), raised by the
 * mail analyzers (SMTP, POP3) for the message they carry. Strings hold one
 * byte per character. See docs/events.md.
 */
import { registerEvents } from "../../../event/events.js";
import type { Connection } from "../../../event/records.js";
import type { MimeHeaderRec } from "../http/events.js";

export type { MimeHeaderRec };

export interface MimeEvents {
  /** A MIME entity begins (the message itself, then each part). */
  mime_begin_entity: [c: Connection];
  /** The entity ends. */
  mime_end_entity: [c: Connection];
  /** One header of the current entity (folded lines joined). */
  mime_one_header: [c: Connection, h: MimeHeaderRec];
  /** All headers of the entity, in order (Zeek's table indexed from 1). */
  mime_all_headers: [c: Connection, hlist: readonly MimeHeaderRec[]];
  /** A piece of decoded entity data (at most mime_segment_length bytes). */
  mime_segment_data: [c: Connection, length: number, data: string];
  /** The whole decoded data of an entity, at its end. */
  mime_entity_data: [c: Connection, length: number, data: string];
  /** The decoded data of all entities of the message, at its end. */
  mime_all_data: [c: Connection, length: number, data: string];
  /** A format or encoding problem ("illegal format", "illegal encoding"). */
  mime_event: [c: Connection, event_type: string, detail: string];
  /** MD5 of the message's decoded content, at its end. */
  mime_content_hash: [c: Connection, content_len: number, hash_value: string];
  /** SHA-256 of the same content (32 raw bytes), just after mime_content_hash. */
  mime_content_hash_sha256: [c: Connection, content_len: number, hash_value: string];
}

declare module "../../../event/events.js" {
  interface EventMap extends MimeEvents {}
}

registerEvents<MimeEvents>({
  mime_begin_entity: true,
  mime_end_entity: true,
  mime_one_header: true,
  mime_all_headers: true,
  mime_segment_data: true,
  mime_entity_data: true,
  mime_all_data: true,
  mime_event: true,
  mime_content_hash: true,
  mime_content_hash_sha256: true,
});
