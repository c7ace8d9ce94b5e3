/**
 * The grid of migrations/sql/0003_location_cells.sql: cells of 1/CELLS_PER_DEGREE degree,
 * probed by encounter-statement.ts. Keep the two in step.
 */
export const CELLS_PER_DEGREE = 10_000;

/** Up to this radius the cell probes are cheaper than the GiST on (coordinate, occurred_at). */
export const MAX_CELL_PROBE_DISTANCE_M = 50;

/** Fewest metres per degree of latitude on WGS 84 (at the equator); longitude: times cos(latitude). */
export const MIN_METRES_PER_DEGREE = 110_574;

/**
 * Own check-ins at or beyond this latitude are joined through the GiST instead: near the poles
 * a circle spans ever more cells of longitude.
 */
export const MAX_GRID_LATITUDE = 88;

/** Caps the latitude at which a circle's width in longitude is computed: keeps it finite at the poles. */
export const WIDEST_LATITUDE = 89;
