import type { EncounterCriteria } from "./encounter-criteria";

/** One lookup: whose encounters, and the criteria. */
export interface EncounterLookup extends EncounterCriteria {
  readonly personId: string;
}

/**
 * "cells": equality probes on the grid of 0003_location_cells.sql (up to MAX_CELL_PROBE_DISTANCE_M);
 * "gist": the GiST on (coordinate, occurred_at), for any radius.
 */
export type EncounterStrategy = "cells" | "gist";
