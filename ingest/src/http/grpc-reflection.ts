import { create, createRegistry, fromBinary, toBinary, type DescFile, type DescService, type MessageInitShape, type Registry } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { Code, type ConnectRouter } from "@connectrpc/connect";
import { reflectionV1, reflectionV1alpha } from "@udaconnect/schemas/reflection";

type Request = reflectionV1.ServerReflectionRequest;
type Answer = MessageInitShape<typeof reflectionV1.ServerReflectionResponseSchema>["messageResponse"];

/**
 * gRPC Server Reflection (v1 and v1alpha) for `services`, so that generic tools
 * (grpcurl, grpcui, Postman, Evans) can list and call them without the .proto
 * files. It describes only the public contract (the same files as schemas/proto),
 * so it needs no token.
 */
export function reflectionRoutes(services: readonly DescService[]): (router: ConnectRouter) => void {
  const served = [...services, reflectionV1.ServerReflection, reflectionV1alpha.ServerReflection];
  const catalog = new Catalog(served.map((s) => s.file));
  const names = served.map((s) => s.typeName);
  const respond = (request: Request) =>
    create(reflectionV1.ServerReflectionResponseSchema, {
      validHost: request.host,
      originalRequest: request,
      messageResponse: answer(request, catalog, names),
    });
  return (router) => {
    router.service(reflectionV1.ServerReflection, {
      async *serverReflectionInfo(requests) {
        for await (const request of requests) {
          yield respond(request);
        }
      },
    });
    // v1alpha has v1's messages under another package name: the bytes are the same.
    router.service(reflectionV1alpha.ServerReflection, {
      async *serverReflectionInfo(requests) {
        for await (const request of requests) {
          const asV1 = fromBinary(reflectionV1.ServerReflectionRequestSchema, toBinary(reflectionV1alpha.ServerReflectionRequestSchema, request));
          yield fromBinary(reflectionV1alpha.ServerReflectionResponseSchema, toBinary(reflectionV1.ServerReflectionResponseSchema, respond(asV1)));
        }
      },
    });
  };
}

function answer(request: Request, catalog: Catalog, serviceNames: readonly string[]): Answer {
  const query = request.messageRequest;
  switch (query.case) {
    case "listServices":
      return { case: "listServicesResponse", value: { service: serviceNames.map((name) => ({ name })) } };
    case "fileByFilename":
      return files(catalog.byName(query.value), catalog, `no file "${query.value}"`);
    case "fileContainingSymbol":
      return files(catalog.bySymbol(query.value), catalog, `no symbol "${query.value}"`);
    case "fileContainingExtension":
      // The contract defines no extensions.
      return error(Code.NotFound, `no extension ${query.value.extensionNumber} of "${query.value.containingType}"`);
    case "allExtensionNumbersOfType":
      return catalog.registry.getMessage(query.value) === undefined
        ? error(Code.NotFound, `no message type "${query.value}"`)
        : { case: "allExtensionNumbersResponse", value: { baseTypeName: query.value, extensionNumber: [] } };
    case undefined:
      return error(Code.InvalidArgument, "the request names no query (list_services, file_by_filename, file_containing_symbol, …)");
  }
}

/** The file first, then everything it imports, so a client can resolve it in one round trip. */
function files(file: DescFile | undefined, catalog: Catalog, notFound: string): Answer {
  if (file === undefined) {
    return error(Code.NotFound, notFound);
  }
  const fileDescriptorProto = [...withImports([file]).keys()].map((name) => catalog.encoded(name));
  return { case: "fileDescriptorResponse", value: { fileDescriptorProto } };
}

/** The files and, transitively, everything they import, by file name, each once, roots first. */
function withImports(roots: readonly DescFile[]): Map<string, DescFile> {
  const closure = new Map<string, DescFile>();
  const visit = (f: DescFile) => {
    if (!closure.has(fileName(f))) {
      closure.set(fileName(f), f);
      f.dependencies.forEach(visit);
    }
  };
  roots.forEach(visit);
  return closure;
}

function error(code: Code, message: string): Answer {
  return { case: "errorResponse", value: { errorCode: code, errorMessage: message } };
}

/** The served files and everything they import, by file name and by symbol. */
class Catalog {
  readonly registry: Registry;
  readonly #files: Map<string, DescFile>;
  /** Serialized FileDescriptorProtos, encoded once: the contract does not change while serving. */
  readonly #encoded: Map<string, Uint8Array>;

  constructor(roots: readonly DescFile[]) {
    this.#files = withImports(roots);
    this.#encoded = new Map([...this.#files].map(([name, f]) => [name, toBinary(FileDescriptorProtoSchema, f.proto)]));
    this.registry = createRegistry(...this.#files.values());
  }

  byName(name: string): DescFile | undefined {
    return this.#files.get(name);
  }

  /** The serialized descriptor of a file of the catalog (every import of a catalog file is one). */
  encoded(name: string): Uint8Array {
    return this.#encoded.get(name) ?? new Uint8Array();
  }

  /** A type, or a member of one (a method of a service, a field or oneof of a message). */
  bySymbol(symbol: string): DescFile | undefined {
    const type = this.registry.get(symbol);
    if (type !== undefined) {
      return type.file;
    }
    const dot = symbol.lastIndexOf(".");
    const parent = dot > 0 ? this.registry.get(symbol.slice(0, dot)) : undefined;
    const member = symbol.slice(dot + 1);
    switch (parent?.kind) {
      case "service":
        return parent.methods.some((m) => m.name === member) ? parent.file : undefined;
      case "message":
        return parent.fields.some((f) => f.name === member) || parent.oneofs.some((o) => o.name === member) ? parent.file : undefined;
      default:
        return undefined;
    }
  }
}

/** The path the file was compiled as ("udaconnect/v1/ingest.proto"); DescFile.name drops ".proto". */
function fileName(file: DescFile): string {
  return file.proto.name;
}
