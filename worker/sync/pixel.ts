/** The 1x1 transparent GIF every sync pixel answers with (43 bytes). */
export const TRANSPARENT_GIF = Uint8Array.from(atob("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"), (ch) =>
	ch.charCodeAt(0),
);

export const NO_STORE = "no-store, private";

export function pixelResponse(headers: Headers, status = 200): Response {
	headers.set("Content-Type", "image/gif");
	headers.set("Cache-Control", NO_STORE);
	return new Response(TRANSPARENT_GIF, { status, headers });
}
