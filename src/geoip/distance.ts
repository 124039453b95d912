/**
 * Zeek's haversine_distance (zeek.bif): the great-circle distance in miles
 * between two points given in degrees (south and west negative), on a
 * sphere of radius 3958.8 miles, by the haversine formula. Its
 * haversine_distance_ip (base/utils/geoip-distance) is GeoIp's
 * haversineDistanceIp.
 */

/** The Earth's radius Zeek uses, in miles. */
const EARTH_RADIUS_MILES = 3958.8;

const RADIANS_PER_DEGREE = Math.PI / 180;

/**
 * Zeek's haversine_distance: miles between (lat1, long1) and (lat2, long2),
 * all in degrees.
 *
 * ```ts
 * haversineDistance(37.866798, -122.253601, 48.25, 11.65); // ≈ 5848.1
 * ```
 */
export function haversineDistance(lat1: number, long1: number, lat2: number, long2: number): number {
  const halfDLat = Math.sin(((lat2 - lat1) * RADIANS_PER_DEGREE) / 2);
  const halfDLong = Math.sin(((long2 - long1) * RADIANS_PER_DEGREE) / 2);
  const h = halfDLat * halfDLat + Math.cos(lat1 * RADIANS_PER_DEGREE) * Math.cos(lat2 * RADIANS_PER_DEGREE) * halfDLong * halfDLong;
  return 2 * EARTH_RADIUS_MILES * Math.asin(Math.sqrt(h));
}
