// A site that bundles its scripts and imports the tag's ES module (package.json "exports": "edgesync/tag")
// instead of embedding dist/tag.js. test/node/tag-module.test.ts compiles this file against the emitted
// dist/tag.d.mts, so it is also the declarations' consumer.
import { getUuid, start } from "edgesync/tag";

const page = window as unknown as { uuidBeforeStart: Promise<string>; uuidAfterStart: Promise<string> };
// Asked before the tag started: queued, answered once it has decided.
page.uuidBeforeStart = getUuid();
const edge = document.querySelector<HTMLMetaElement>('meta[name="edgesync-edge"]')?.content ?? "";
start({ edge, interval: 0, maxSyncs: 1 });
page.uuidAfterStart = getUuid();
