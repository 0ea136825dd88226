import type { Context } from "hono";

/** The 1x1 transparent GIF every sync pixel answers with (42 bytes). */
export const TRANSPARENT_GIF = Uint8Array.from(atob("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"), (ch) =>
	ch.charCodeAt(0),
);

/** Sync answers are per visitor: no shared cache may keep or replay them. */
export const NO_STORE = "no-store, private";

export function sendPixel(c: Context): Response {
	c.header("Cache-Control", NO_STORE);
	return c.body(TRANSPARENT_GIF, 200, { "Content-Type": "image/gif" });
}
