import { Code, ConnectError, type ConnectRouter, type HandlerContext } from "@connectrpc/connect";
import { IngestService, encodeConsistencyToken } from "@udaconnect/schemas";
import { mayManagePerson, mayWriteFor, oldestAllowed, registrantId, type Caller } from "../ingest/access";
import type { Outcome } from "../ingest/decision";
import { collectCheckIns, recordLocation, recordLocations } from "../ingest/record-locations";
import { REFUSED_WITH_CALL, refusedCheckInReasons } from "../ingest/rejection-reasons";
import { registerPerson } from "../ingest/register-person";
import { erasePerson, updatePerson } from "../ingest/update-person";
import type { Logger } from "../log";
import { requireOperator } from "./authenticate";
import { replyOrRefuse, translated, translatedStream } from "./connect-errors";
import type { IngestMetrics } from "./metrics";
import { refuseIfDraining, streamCheckInsHandler, type StreamContext } from "./stream-check-ins-handler";

/** udaconnect.v1.IngestService over Connect, gRPC and gRPC-Web. */
export function ingestRoutes(ctx: StreamContext, logger: Logger): (router: ConnectRouter) => void {
  const { deps } = ctx;
  const caller = async (context: HandlerContext): Promise<Caller> => {
    refuseIfDraining(ctx);
    return ctx.authenticate(context.requestHeader);
  };
  const operator = async (context: HandlerContext): Promise<Caller> => {
    const who = await caller(context);
    requireOperator(who);
    return who;
  };
  const writer = (who: Caller) => ({ ...deps, oldest: oldestAllowed(who, "unary", deps.now(), deps.maxCheckInAgeMs) });
  return (router) => {
    router.service(IngestService, {
      registerPerson: translated("RegisterPerson", logger, async (request, context) => {
        const who = await caller(context);
        const personId = registrantId(who, request.personId);
        requireManagerOf(who, personId);
        return withToken(await registerPerson({ ...request, personId }, deps));
      }),
      updatePerson: translated("UpdatePerson", logger, async (request, context) => {
        requireManagerOf(await caller(context), request.personId);
        return withToken(await updatePerson(request, deps));
      }),
      erasePerson: translated("ErasePerson", logger, async (request, context) => {
        await operator(context);
        return withToken(await erasePerson(request, deps));
      }),
      recordLocation: translated("RecordLocation", logger, async (request, context) => {
        const who = await caller(context);
        forbidOthers(who, [request.checkIn?.personId ?? ""], ctx.metrics);
        const reply = withToken(countRefused(await recordLocation(request, writer(who)), 1, ctx.metrics));
        ctx.metrics.countAccepted(1);
        return reply;
      }),
      recordLocations: translated("RecordLocations", logger, async (requests, context) => {
        const who = await caller(context);
        const collected = await collectCheckIns(requests);
        if (collected.outcome === "too-many") {
          throw new ConnectError(
            `a RecordLocations call may carry at most ${collected.limit} check-ins; split them over several calls`,
            Code.ResourceExhausted,
          );
        }
        forbidOthers(who, collected.checkIns.map((c) => c.personId), ctx.metrics);
        const reply = withToken(countRefused(await recordLocations(collected.checkIns, writer(who)), collected.checkIns.length, ctx.metrics));
        ctx.metrics.countAccepted(reply.acceptedCount);
        return { ...reply, eventIds: [...reply.eventIds] };
      }),
      streamCheckIns: translatedStream("StreamCheckIns", logger, streamCheckInsHandler(ctx)),
    });
  };
}

/** Operators register and update anyone, attendees themselves (an empty person id was made theirs by registrantId). */
function requireManagerOf(who: Caller, personId: string): void {
  const verdict = mayManagePerson(who, personId);
  if (!verdict.allowed) {
    throw new ConnectError(verdict.reason, Code.PermissionDenied);
  }
}

/** Unary writes are all or nothing, so one check-in of another person refuses the call. */
function forbidOthers(who: Caller, personIds: readonly string[], metrics: IngestMetrics): void {
  const forbidden = personIds.map((id) => id !== "" && !mayWriteFor(who, id));
  const other = personIds.find((_, index) => forbidden[index]);
  if (other !== undefined) {
    metrics.countRejected(forbidden.map((no) => (no ? "FORBIDDEN_PERSON" : REFUSED_WITH_CALL)));
    throw new ConnectError(`this token may not write check-ins of person "${other}"`, Code.PermissionDenied);
  }
}

/** Counts the check-ins of a refused call by reason, as StreamCheckIns does for each one it rejects. */
function countRefused<Reply>(outcome: Outcome<Reply>, checkIns: number, metrics: IngestMetrics): Outcome<Reply> {
  if (outcome.outcome === "rejected") {
    metrics.countRejected(refusedCheckInReasons(outcome.violations, checkIns));
  }
  return outcome;
}

function withToken<Reply extends object>(outcome: Outcome<Reply>): Reply & { consistencyToken: string } {
  const reply = replyOrRefuse(outcome);
  const positions = outcome.outcome === "appended" ? outcome.positions : [];
  return { ...reply, consistencyToken: encodeConsistencyToken(positions) };
}
