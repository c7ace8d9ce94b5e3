import { Code, ConnectError, type ConnectRouter, type HandlerContext } from "@connectrpc/connect";
import {
  IngestService,
  encodeConsistencyToken,
  type ErasePersonRequest,
  type RecordLocationRequest,
  type RecordLocationsRequest,
  type RegisterPersonRequest,
  type UpdatePersonRequest,
} from "@udaconnect/schemas";
import { mayManagePerson, mayWriteFor, oldestAllowed, registrantId, type Caller } from "../ingest/access";
import type { Outcome } from "../ingest/decision";
import type { IngestDependencies } from "../ingest/ports";
import { collectCheckIns, recordLocation, recordLocations } from "../ingest/record-locations";
import { REFUSED_WITH_CALL, refusedCheckInReasons } from "../ingest/rejection-reasons";
import { registerPerson } from "../ingest/register-person";
import { erasePerson, updatePerson } from "../ingest/update-person";
import { requireOperator, type Authenticate } from "./authenticate";
import { replyOrRefuse } from "./connect-errors";
import type { IngestMetrics } from "./metrics";
import { refuseIfDraining, type streamCheckInsHandler } from "./stream-check-ins-handler";

/** Who sends a call, from its headers; refuses every call once the gateway drains. */
export type Admit = (headers: Headers) => Promise<Caller>;

/** Admit for a gateway that authenticates by `authenticate` and drains once `isDraining`. */
export function admitting(authenticate: Authenticate, isDraining: () => boolean): Admit {
  return async (headers) => {
    refuseIfDraining({ isDraining });
    return authenticate(headers);
  };
}

/** Counts of check-ins taken and refused by the unary RPCs. */
export type CheckInCounts = Pick<IngestMetrics, "countAccepted" | "countRejected">;

/** The person RPCs' dependencies: who calls, and the ingest rules' ports. */
export interface PersonRpcDependencies {
  readonly admit: Admit;
  readonly ingest: IngestDependencies;
}

/** The unary check-in RPCs', which also count each check-in they take or refuse. */
export interface CheckInRpcDependencies extends PersonRpcDependencies {
  readonly metrics: CheckInCounts;
}

/**
 * udaconnect.v1.IngestService over Connect, gRPC and gRPC-Web. Each RPC is built from what it
 * needs; StreamCheckIns comes built (stream-check-ins-handler.ts). Errors are translated for
 * all of them by the router's interceptor (connect-errors.ts).
 */
export function ingestRoutes(unary: CheckInRpcDependencies, streamCheckIns: ReturnType<typeof streamCheckInsHandler>): (router: ConnectRouter) => void {
  return (router) => {
    router.service(IngestService, {
      registerPerson: registerPersonRpc(unary),
      updatePerson: updatePersonRpc(unary),
      erasePerson: erasePersonRpc(unary),
      recordLocation: recordLocationRpc(unary),
      recordLocations: recordLocationsRpc(unary),
      streamCheckIns,
    });
  };
}

export function registerPersonRpc({ admit, ingest }: PersonRpcDependencies) {
  return async (request: RegisterPersonRequest, context: HandlerContext) => {
    const who = await admit(context.requestHeader);
    const personId = registrantId(who, request.personId);
    requireManagerOf(who, personId);
    return withToken(await registerPerson({ ...request, personId }, ingest));
  };
}

export function updatePersonRpc({ admit, ingest }: PersonRpcDependencies) {
  return async (request: UpdatePersonRequest, context: HandlerContext) => {
    requireManagerOf(await admit(context.requestHeader), request.personId);
    return withToken(await updatePerson(request, ingest));
  };
}

export function erasePersonRpc({ admit, ingest }: PersonRpcDependencies) {
  return async (request: ErasePersonRequest, context: HandlerContext) => {
    requireOperator(await admit(context.requestHeader));
    return withToken(await erasePerson(request, ingest));
  };
}

export function recordLocationRpc({ admit, ingest, metrics }: CheckInRpcDependencies) {
  return async (request: RecordLocationRequest, context: HandlerContext) => {
    const who = await admit(context.requestHeader);
    forbidOthers(who, [request.checkIn?.personId ?? ""], metrics);
    const reply = withToken(countRefused(await recordLocation(request, writer(who, ingest)), 1, metrics));
    metrics.countAccepted(1);
    return reply;
  };
}

export function recordLocationsRpc({ admit, ingest, metrics }: CheckInRpcDependencies) {
  return async (requests: AsyncIterable<RecordLocationsRequest>, context: HandlerContext) => {
    const who = await admit(context.requestHeader);
    const collected = await collectCheckIns(requests);
    if (collected.outcome === "too-many") {
      throw new ConnectError(`a RecordLocations call may carry at most ${collected.limit} check-ins; split them over several calls`, Code.ResourceExhausted);
    }
    forbidOthers(
      who,
      collected.checkIns.map((c) => c.personId),
      metrics,
    );
    const reply = withToken(countRefused(await recordLocations(collected.checkIns, writer(who, ingest)), collected.checkIns.length, metrics));
    metrics.countAccepted(reply.acceptedCount);
    return { ...reply, eventIds: [...reply.eventIds] };
  };
}

/** The ingest rules' ports, with the oldest occurred_at this caller may report in a unary call. */
function writer(who: Caller, ingest: IngestDependencies) {
  return { ...ingest, oldest: oldestAllowed(who, "unary", ingest.now(), ingest.maxCheckInAgeMs) };
}

/** Operators register and update anyone, attendees themselves (an empty person id was made theirs by registrantId). */
function requireManagerOf(who: Caller, personId: string): void {
  const verdict = mayManagePerson(who, personId);
  if (!verdict.allowed) {
    throw new ConnectError(verdict.reason, Code.PermissionDenied);
  }
}

/** Unary writes are all or nothing, so one check-in of another person refuses the call. */
function forbidOthers(who: Caller, personIds: readonly string[], metrics: CheckInCounts): void {
  const forbidden = personIds.map((id) => id !== "" && !mayWriteFor(who, id));
  const other = personIds.find((_, index) => forbidden[index]);
  if (other !== undefined) {
    metrics.countRejected(forbidden.map((no) => (no ? "FORBIDDEN_PERSON" : REFUSED_WITH_CALL)));
    throw new ConnectError(`this token may not write check-ins of person "${other}"`, Code.PermissionDenied);
  }
}

/** Counts the check-ins of a refused call by reason, as StreamCheckIns does for each one it rejects. */
function countRefused<Reply>(outcome: Outcome<Reply>, checkIns: number, metrics: CheckInCounts): Outcome<Reply> {
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
