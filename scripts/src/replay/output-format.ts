import type { EventRow } from "./event-row";

export type FormatName = "ndjson" | "csv" | "geojson";
export const FORMATS: readonly FormatName[] = ["ndjson", "csv", "geojson"];

/** Turns rows into text piece by piece, so nothing but the current row is held. */
export interface OutputFormat {
  readonly header: string;
  /** The text of one row; "" when the format has no place for it (GeoJSON: events without a position). */
  row(row: EventRow): string;
  readonly footer: string;
}

const CSV_COLUMNS = [
  "topic",
  "partition",
  "offset",
  "timestamp",
  "event_id",
  "type",
  "recorded_at",
  "person_id",
  "latitude",
  "longitude",
  "occurred_at",
  "accuracy_m",
  "first_name",
  "last_name",
  "company_name",
] as const satisfies readonly (keyof EventRow)[];

export function createFormat(name: FormatName): OutputFormat {
  switch (name) {
    case "ndjson":
      return { header: "", row: (row) => `${JSON.stringify(row)}\n`, footer: "" };
    case "csv":
      return { header: `${CSV_COLUMNS.join(",")}\n`, row: (row) => `${CSV_COLUMNS.map((c) => csvField(row[c])).join(",")}\n`, footer: "" };
    case "geojson":
      return geoJson();
  }
}

/** RFC 4180: quote fields holding a comma, quote or line break; double the quotes. */
function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A FeatureCollection written feature by feature: the opening, comma-separated features, the closing. */
function geoJson(): OutputFormat {
  let first = true;
  return {
    header: '{"type":"FeatureCollection","features":[\n',
    row: (row) => {
      if (row.latitude === undefined || row.longitude === undefined) return "";
      const { latitude, longitude, ...properties } = row;
      const feature = JSON.stringify({ type: "Feature", geometry: { type: "Point", coordinates: [longitude, latitude] }, properties });
      const text = first ? feature : `,\n${feature}`;
      first = false;
      return text;
    },
    footer: "\n]}\n",
  };
}
