import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { CheckInSchema, type CheckIn } from "@udaconnect/schemas";
import type { NewId } from "../src/ingest/ports";

export const NOW = new Date("2024-05-01T12:00:00.000Z");
export const fixedClock = () => NOW;

/** Ids "00000000-0000-7000-8000-000000000001", "…02", … in order of request. */
export function sequentialIds(): NewId {
  let next = 0;
  return () => `00000000-0000-7000-8000-${String(++next).padStart(12, "0")}`;
}

export function checkIn(fields: Partial<Omit<CheckIn, "$typeName" | "occurredAt">> & { occurredAt?: Date | null } = {}): CheckIn {
  const { occurredAt = new Date("2024-05-01T11:59:00.000Z"), ...rest } = fields;
  return create(CheckInSchema, {
    personId: "5",
    latitude: 37.553441,
    longitude: -122.290524,
    ...rest,
    ...(occurredAt === null ? {} : { occurredAt: timestampFromDate(occurredAt) }),
  });
}
