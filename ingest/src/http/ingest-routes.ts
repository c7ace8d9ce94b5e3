import { Code, ConnectError, type ConnectRouter } from "@connectrpc/connect";
import { IngestService } from "@udaconnect/schemas";
import type { IngestDependencies } from "../ingest/ports";
import { collectCheckIns, recordLocation, recordLocations } from "../ingest/record-locations";
import { registerPerson } from "../ingest/register-person";
import type { Logger } from "../log";
import { replyOrRefuse, translated } from "./connect-errors";

/** udaconnect.v1.IngestService over Connect, gRPC and gRPC-Web. */
export function ingestRoutes(deps: IngestDependencies, logger: Logger): (router: ConnectRouter) => void {
  return (router) => {
    router.service(IngestService, {
      registerPerson: translated("RegisterPerson", logger, async (request) =>
        replyOrRefuse(await registerPerson(request, deps)),
      ),
      recordLocation: translated("RecordLocation", logger, async (request) =>
        replyOrRefuse(await recordLocation(request, deps)),
      ),
      recordLocations: translated("RecordLocations", logger, async (requests) => {
        const collected = await collectCheckIns(requests);
        if (collected.outcome === "too-many") {
          throw new ConnectError(
            `a RecordLocations call may carry at most ${collected.limit} check-ins; split them over several calls`,
            Code.ResourceExhausted,
          );
        }
        const reply = replyOrRefuse(await recordLocations(collected.checkIns, deps));
        return { acceptedCount: reply.acceptedCount, eventIds: [...reply.eventIds] };
      }),
    });
  };
}
