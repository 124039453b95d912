/**
 * Zeek's policy/frameworks/signatures/iso-9660: a file-magic signature for
 * ISO 9660 disk images ("CD001" and version 1 opening the volume descriptor
 * of the 17th 2 KiB sector, so matched anywhere in the first bytes) and a
 * default_file_bof_buffer_size of at least 17 sectors, so that the
 * descriptor is among the bytes sniffed. As in Zeek, the script's redef
 * comes before the command line's: a size given there stays.
 */
import type { PolicyScript } from "./policy-scripts.js";

const ISO_9660_SIGNATURE = `
signature file-iso9660 {
  file-mime "application/x-iso9660-image", 99
  file-magic /.*CD001\\x01/
}
`;

/** The bytes up to and including the 17th sector's start: the descriptor's magic is at 16 * 2048 + 1. */
const SNIFF_SIZE = (16 + 1) * 2048;
/** Zeek's default_file_bof_buffer_size, which the command line did not change when the setting still has it. */
const DEFAULT_BOF = 4096;

export const ISO_9660: PolicyScript = {
  script: "policy/frameworks/signatures/iso-9660",
  what: "application/x-iso9660-image in files' MIME sniffing",
  load(host) {
    if (host.loadSignatures === undefined) return;
    host.loadSignatures({ text: ISO_9660_SIGNATURE, file: "iso-9660.sig" });
    if (host.settings.default_file_bof_buffer_size === DEFAULT_BOF) host.settings.default_file_bof_buffer_size = SNIFF_SIZE;
  },
};
