export { ORIGINAL_DATA_DIR } from "./original-data";
export { planDumpDirectory, type DumpDirPlan } from "./read-dump-dir";
export { planLegacyImport, toLatLon, uuidV5, type LegacyImportPlan } from "./legacy-plan";
export { sendPlan, type SentPlan } from "./send-plan";
