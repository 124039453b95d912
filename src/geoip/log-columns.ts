/**
 * A geo_location in a log: Zeek's logging framework flattens a record
 * column into one column per field, named `prefix.field` (ssh.log's and
 * notice.log's remote_location.country_code, …), all unset when the record is.
 */
import { fields, type LogField, type LogValue } from "../log/schema.js";
import type { GeoLocation } from "./geoip.js";

/** The five columns of a geo_location named `prefix`, in the record's order. */
export function geoLocationFields(prefix: string): readonly LogField[] {
  return fields(
    [`${prefix}.country_code`, "string"],
    [`${prefix}.region`, "string"],
    [`${prefix}.city`, "string"],
    [`${prefix}.latitude`, "double"],
    [`${prefix}.longitude`, "double"],
  );
}

/** The values of those columns for `loc` (unset ones, and all of an unset record, as undefined). */
export function geoLocationValues(loc: GeoLocation | undefined): LogValue[] {
  return [loc?.country_code, loc?.region, loc?.city, loc?.latitude, loc?.longitude];
}
