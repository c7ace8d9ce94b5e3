import { fileURLToPath } from "node:url";

/**
 * The original UdaConnect's seed data (its person and location dumps), committed in
 * scripts/data/legacy/ so that every clone, VM and image has it.
 */
export const ORIGINAL_DATA_DIR = fileURLToPath(new URL("../../data/legacy", import.meta.url));
