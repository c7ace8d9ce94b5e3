/**
 * gRPC Server Reflection (v1 and the older v1alpha, the same messages under two
 * package names): what generic tools such as grpcurl ask a server to learn its API.
 */
export * as reflectionV1 from "./gen/grpc/reflection/v1/reflection_pb";
export * as reflectionV1alpha from "./gen/grpc/reflection/v1alpha/reflection_pb";
