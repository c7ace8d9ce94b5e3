export { loadMasterKeys, parseMasterKeys, withNewActiveKey, withoutKey, type MasterKeys, type MasterKeysFile } from "./master-keys";
export { PersonKeyStore, keysById, type KeyCacheOptions, type PersonKey, type Queryable } from "./person-key-store";
export { rewrapDataKeys, type RewrapResult } from "./rotate";
export { unwrapDataKey, wrapDataKey } from "./wrapping";
export { MASTER_KEYS_FILE } from "./config";
export { connectKeyStore, type KeyStoreConnection, type KeyStoreOptions } from "./connect";
