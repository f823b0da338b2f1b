/** Distances and default network paths between places, from coordinates alone. */

const EARTH_RADIUS_KM = 6371.0088;

export interface LatLon {
  lat: number;
  lon: number;
}

/** Great-circle (haversine) distance in km. */
export function greatCircleKm(a: LatLon, b: LatLon): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Light in fibre covers about 200 km per ms (refractive index ≈ 1.5). */
export const FIBRE_KM_PER_MS = 200;
/** Cables do not follow great circles: an assumed route-length factor. */
export const ROUTE_FACTOR = 1.5;
/** Assumed fixed cost of switching, queuing and the last mile, in ms. */
export const FIXED_LATENCY_MS = 5;

/**
 * Default one-way latency when no measured link is given:
 * distance / (200 km/ms) × 1.5 route factor + 5 ms. An assumption, not a measurement.
 */
export function defaultLatencyMs(distanceKm: number): number {
  return (distanceKm / FIBRE_KM_PER_MS) * ROUTE_FACTOR + FIXED_LATENCY_MS;
}
