/**
 * The grid of migrations/sql/0003_location_cells.sql: cells of 1/CELLS_PER_DEGREE degree.
 * Keep the two in step.
 */
export const CELLS_PER_DEGREE = 10_000;

/** Up to this radius the cell probes are cheaper than the GiST on (coordinate, occurred_at). */
export const MAX_CELL_PROBE_DISTANCE_M = 50;

/** Fewest metres per degree of latitude on WGS 84 (at the equator); longitude: times cos(latitude). */
const MIN_METRES_PER_DEGREE = 110_574;
/** Keeps the cell range finite at the poles; encounters there are probed by the GiST path. */
const MAX_PROBE_LATITUDE = 89;

export interface Cell {
  readonly y: number;
  readonly x: number;
}

export function cellOf(latitude: number, longitude: number): Cell {
  return { y: Math.floor(latitude * CELLS_PER_DEGREE), x: Math.floor(longitude * CELLS_PER_DEGREE) };
}

/**
 * Every cell that a circle of `metres` around the point can touch: a box in degrees, a
 * little larger than the circle, so no neighbour is missed (the exact distance is checked
 * afterwards). Ignores the antimeridian: a venue does not straddle it.
 */
export function cellsWithin(latitude: number, longitude: number, metres: number): Cell[] {
  const dLat = metres / MIN_METRES_PER_DEGREE;
  const widest = Math.min(Math.abs(latitude) + dLat, MAX_PROBE_LATITUDE);
  const dLon = metres / (MIN_METRES_PER_DEGREE * Math.cos((widest * Math.PI) / 180));
  const low = cellOf(latitude - dLat, longitude - dLon);
  const high = cellOf(latitude + dLat, longitude + dLon);
  const cells: Cell[] = [];
  for (let y = low.y; y <= high.y; y += 1) {
    for (let x = low.x; x <= high.x; x += 1) {
      cells.push({ y, x });
    }
  }
  return cells;
}

/** Whether the cell probes serve this radius at these latitudes (else the GiST path does). */
export function cellProbesServe(metres: number, latitudes: readonly number[]): boolean {
  return metres <= MAX_CELL_PROBE_DISTANCE_M && latitudes.every((latitude) => Math.abs(latitude) < MAX_PROBE_LATITUDE - 1);
}
