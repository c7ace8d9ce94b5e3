import type { EventRow } from "./event-row";

export interface BoundingBox {
  readonly minLon: number;
  readonly minLat: number;
  readonly maxLon: number;
  readonly maxLat: number;
}

export interface EventFilter {
  /** Keep only these people's events; empty keeps everyone. */
  readonly personIds: readonly string[];
  /** Keep only check-ins inside the box (edges included); other events have no position and are dropped. */
  readonly bbox?: BoundingBox;
  /** Keep only these event types; empty keeps every type. */
  readonly types: readonly string[];
}

export function matchesFilter(row: EventRow, filter: EventFilter): boolean {
  if (filter.personIds.length > 0 && (row.person_id === null || !filter.personIds.includes(row.person_id))) return false;
  if (filter.types.length > 0 && !filter.types.includes(row.type)) return false;
  if (filter.bbox !== undefined) {
    const { latitude, longitude } = row;
    if (latitude === undefined || longitude === undefined) return false;
    const b = filter.bbox;
    return longitude >= b.minLon && longitude <= b.maxLon && latitude >= b.minLat && latitude <= b.maxLat;
  }
  return true;
}
