// Consent decisions for /ibs and /id (SPEC §3): one pure module, no HTTP, no storage.
export { ConsentInputError } from "./errors";
export { type Consent, type ConsentPolicy, evaluateConsent } from "./evaluate";
export { type ConsentSignals, consentSignalsFrom } from "./signals";
