/**
 * FTP_DATA: the analyzer the ftp script schedules for a data connection
 * (Zeek's FTP_Data, a File_Analyzer). Each side's bytes are one file, named
 * by the ftp script's get_file_handle (files.zeek): only connections the
 * script still expects carry files.
 */
import type { AnalyzerComponent } from "../analyzer.js";
import { FileAnalyzer } from "../file/file.js";
import { ftpFileHandle } from "./script.js";

/** FTP_DATA: no ports, no signatures; attached by expectation only. */
export const FTP_DATA: AnalyzerComponent = {
  name: "FTP_DATA",
  script: "base/protocols/ftp",
  stream: (host) => new FileAnalyzer(host, (h, isOrig) => ftpFileHandle(h.settings, h.conn(), isOrig)),
};
