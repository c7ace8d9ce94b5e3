/**
 * Who may do what: every query-API operation (by operationId, from the served OpenAPI document)
 * and every RPC (by "Service/Method", from the generated descriptors in schemas/src/gen) against
 * five callers. authorization-matrix.e2e.test.ts fails when an operation has no row here, so a
 * new route or RPC cannot ship without a decision about it, and checks every cell on the
 * running services.
 *
 * Callers: attendee-self (an attendee token of the person concerned), attendee-other (an
 * attendee token of someone else), analyst, operator, none (no Authorization header).
 * HTTP cells are status codes; RPC cells are "OK", a gRPC status code, or for StreamCheckIns
 * (which answers check-in by check-in) "REJECTED:<reason>" of the one check-in sent.
 */

export const CALLERS = ["attendee-self", "attendee-other", "analyst", "operator", "none"] as const;
export type Caller = (typeof CALLERS)[number];
export type Row<Outcome> = Readonly<Record<Caller, Outcome>>;

const open = { "attendee-self": 200, "attendee-other": 200, analyst: 200, operator: 200, none: 200 } as const;
const anyToken = { "attendee-self": 200, "attendee-other": 200, analyst: 200, operator: 200, none: 401 } as const;
const readerOfPerson = { "attendee-self": 200, "attendee-other": 403, analyst: 200, operator: 200, none: 401 } as const;
const writeOwn = { "attendee-self": 202, "attendee-other": 403, analyst: 403, operator: 202, none: 401 } as const;

export const HTTP_MATRIX: Readonly<Record<string, Row<number>>> = {
  // Probes and metrics: for orchestrators and scrapers, no token.
  healthz: open,
  readyz: open,
  health: open,
  metrics: open,
  // The original's routes (LEGACY_API_AUTH=bearer, the default).
  listPersons: anyToken,
  getPerson: readerOfPerson,
  findConnections: readerOfPerson,
  getLocation: readerOfPerson,
  // Writes through ingest with the caller's token: an attendee for itself, an operator for anyone.
  createPerson: writeOwn,
  createLocation: writeOwn,
  // /v1
  v1ListPersons: anyToken,
  v1GetPerson: readerOfPerson,
  v1ListLocations: readerOfPerson,
  v1FindConnections: readerOfPerson,
  v1ProjectionStatus: anyToken,
};

const writeOwnCheckIns = {
  "attendee-self": "OK",
  "attendee-other": "PERMISSION_DENIED",
  analyst: "PERMISSION_DENIED",
  operator: "OK",
  none: "UNAUTHENTICATED",
} as const;
const publicContract = { "attendee-self": "OK", "attendee-other": "OK", analyst: "OK", operator: "OK", none: "OK" } as const;

export const RPC_MATRIX: Readonly<Record<string, Row<string>>> = {
  "udaconnect.v1.IngestService/RegisterPerson": writeOwnCheckIns,
  "udaconnect.v1.IngestService/UpdatePerson": writeOwnCheckIns,
  "udaconnect.v1.IngestService/ErasePerson": {
    "attendee-self": "PERMISSION_DENIED",
    "attendee-other": "PERMISSION_DENIED",
    analyst: "PERMISSION_DENIED",
    operator: "OK",
    none: "UNAUTHENTICATED",
  },
  "udaconnect.v1.IngestService/RecordLocation": writeOwnCheckIns,
  "udaconnect.v1.IngestService/RecordLocations": writeOwnCheckIns,
  "udaconnect.v1.IngestService/StreamCheckIns": {
    "attendee-self": "OK",
    "attendee-other": "REJECTED:FORBIDDEN_PERSON",
    analyst: "REJECTED:FORBIDDEN_PERSON",
    operator: "OK",
    none: "UNAUTHENTICATED",
  },
  // Server reflection describes only the published contract (schemas/proto): no token.
  "grpc.reflection.v1.ServerReflection/ServerReflectionInfo": publicContract,
  "grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo": publicContract,
};
