import type { FastifyInstance, preHandlerAsyncHookHandler } from "fastify";
import { partitionStatuses } from "../projection/projection-status";
import type { ReadProjectionStatus } from "../projection/read-projection-status";
import { problemResponses } from "./problem";

const offset = { type: "integer", minimum: 0 } as const;
const unknownOffset = { type: ["integer", "null"], minimum: 0, description: "null when the end of the log is unknown." } as const;

const statusSchema = {
  type: "object",
  required: ["partitions", "end_offsets_known", "newest_check_in_at"],
  properties: {
    partitions: {
      type: "array",
      items: {
        type: "object",
        required: ["topic", "partition", "projected_offset", "end_offset", "lag"],
        properties: {
          topic: { type: "string" },
          partition: { type: "integer", minimum: 0 },
          projected_offset: { ...offset, description: "Next offset the projector will apply: everything before it is in the read model." },
          end_offset: { ...unknownOffset, description: "End of the log (high watermark); null when unknown." },
          lag: { ...unknownOffset, description: "end_offset - projected_offset; null when unknown." },
        },
      },
    },
    end_offsets_known: { type: "boolean", description: "false when Kafka is not configured (KAFKA_BROKERS) or did not answer." },
    newest_check_in_at: {
      type: ["string", "null"],
      format: "date-time",
      description: "Event time (occurred_at) of the newest projected check-in; null when there is none.",
    },
  },
} as const;

export function registerProjectionStatusRoute(app: FastifyInstance, read: ReadProjectionStatus, auth: preHandlerAsyncHookHandler): void {
  app.get(
    "/v1/projection/status",
    {
      schema: {
        operationId: "v1ProjectionStatus",
        tags: ["v1"],
        summary: "How far the read model has projected each partition, against the end of the log",
        security: [{ bearer: [] }],
        response: {
          200: {
            description: "The projection's progress.",
            ...statusSchema,
            examples: [
              {
                partitions: [{ topic: "udaconnect.locations.v1", partition: 0, projected_offset: 1234, end_offset: 1236, lag: 2 }],
                end_offsets_known: true,
                newest_check_in_at: "2020-08-18T10:37:06.000Z",
              },
            ],
          },
          ...problemResponses(401, 429, 500, 503),
        },
      },
      preHandler: auth,
    },
    async () => {
      const status = await read();
      return {
        partitions: partitionStatuses(status.projected, status.ends).map((p) => ({
          topic: p.topic,
          partition: p.partition,
          projected_offset: Number(p.projectedOffset),
          end_offset: p.endOffset === undefined ? null : Number(p.endOffset),
          lag: p.lag === undefined ? null : Number(p.lag),
        })),
        end_offsets_known: status.ends !== undefined,
        newest_check_in_at: status.newestCheckInAt?.toISOString() ?? null,
      };
    },
  );
}
