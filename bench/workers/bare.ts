// The runtime's own limit for /ibs: a Worker that answers every request with the same 42-byte GIF and
// headers as the edge's sync pixel, and does nothing else (no parsing, cookies, rate limits or queue).
import { NO_STORE, TRANSPARENT_GIF } from "../../worker/http/pixel";

export default {
	fetch(): Response {
		return new Response(TRANSPARENT_GIF, { headers: { "Content-Type": "image/gif", "Cache-Control": NO_STORE } });
	},
} satisfies ExportedHandler;
