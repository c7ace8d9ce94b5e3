import { describe, expect, it } from "vitest";
import { CheckInResultSchema, CheckInSchema, StreamCheckInsRequestSchema } from "../src/index";
import { fieldNumber, fieldTag, inFieldOrder } from "../src/wire-writer";

describe("field numbers of the hand-written encoders, from the generated descriptors", () => {
  it("gives each field's number and tag as the .proto declares them", () => {
    expect(fieldNumber(StreamCheckInsRequestSchema.field.checkIns, "repeated message")).toBe(2);
    expect([
      fieldTag(CheckInSchema.field.eventId, "string"),
      fieldTag(CheckInSchema.field.latitude, "double"),
      fieldTag(CheckInResultSchema.field.status, "enum"),
    ]).toEqual([(1 << 3) | 2, (3 << 3) | 1, (2 << 3) | 0]);
  });

  it("refuses, at module load, a field whose type is no longer the one the encoder writes", () => {
    expect(() => fieldTag(CheckInSchema.field.latitude, "string")).toThrow(
      "field udaconnect.v1.CheckIn.latitude is double, the hand-written encoder writes a string",
    );
    expect(() => fieldNumber(StreamCheckInsRequestSchema.field.checkIns, "message")).toThrow(/checkIns|check_ins/);
  });

  it("refuses fields written in an order protobuf-es would not write them (by number)", () => {
    expect(() => inFieldOrder(CheckInSchema.field.eventId, CheckInSchema.field.personId, CheckInSchema.field.latitude)).not.toThrow();
    expect(() => inFieldOrder(CheckInSchema.field.latitude, CheckInSchema.field.personId)).toThrow("is now numbered before");
  });
});
