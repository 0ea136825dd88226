import { Hono } from "hono";
import tagSource from "../../dist/tag.js";
import type { AppEnv } from "../http/types";
import { etagMatches, strongEtag } from "./etag";

/** Serves the built browser tag at /tag.js. */
export const tagScriptRoutes = new Hono<AppEnv>();

// The tag's URL carries no version, so caches revalidate daily (a cheap 304 thanks to the ETag) and may
// serve the old copy for a week meanwhile: a release reaches every page within a day.
const CACHE_CONTROL = "public, max-age=86400, stale-while-revalidate=604800";
// Hashed once per isolate (the bytes are fixed at build time). The value is shared, not the promise:
// requests must not await each other's work (see partners/directory.ts).
let etag: string | undefined;

tagScriptRoutes.get("/tag.js", async (c) => {
	etag ??= await strongEtag(tagSource);
	const tag = etag;
	c.header("ETag", tag);
	c.header("Cache-Control", CACHE_CONTROL);
	c.header("X-Content-Type-Options", "nosniff");
	if (etagMatches(c.req.header("If-None-Match"), tag)) return c.body(null, 304);
	c.header("Content-Type", "text/javascript; charset=utf-8");
	// The build writes ASCII only, so the UTF-8 encoding of this string is the file's bytes.
	return c.body(tagSource);
});
