export { ROLES, mayActFor, mayRead, type Principal, type Role } from "./principal";
export { AUDIENCE, ISSUER, TokenError, createSigner, createVerifier, type SignToken, type VerifyToken } from "./tokens";
export { KEY_SET_FILE, SIGNING_KEY_FILE, ensureDevKeys, generateSigningKeyPair, parseKeySet, type KeyPair } from "./keys";
