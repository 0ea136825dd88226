// A site that bundles Prebid.js from npm (precompiled modules since Prebid 10) with the user-ID module,
// the pubProvidedId submodule and the edgesync recipe (tag/recipes/prebid-pubprovidedid.js).
import pbjs from "prebid.js";
import "prebid.js/modules/userId";
import "prebid.js/modules/pubProvidedIdSystem";
import "../../../tag/recipes/prebid-pubprovidedid.js";

// Prebid's README usage; the cast because this project's Node settings (nodenext) read the CommonJS-typed
// package's default export as its namespace, whereas a bundler (esbuild here) hands over the instance.
(pbjs as unknown as { processQueue(): void }).processQueue();
