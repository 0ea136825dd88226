/**
 * The id of a request in the edge's log lines and in the `X-Request-Id` header of a refusal, so a caller
 * who reports one can be found: Cloudflare's Ray ID (the `cf-ray` request header, also shown on its own
 * error pages and in its dashboards) when there is one, otherwise a random UUID (wrangler dev, tests).
 * Only a value shaped like a Ray ID is taken: outside Cloudflare a client could send anything there.
 */
export const REQUEST_ID_HEADER = "X-Request-Id";

const RAY_ID = /^[0-9a-f]{16}(?:-[A-Z]{3,4})?$/;

export function requestIdOf(request: Request): string {
	const ray = request.headers.get("cf-ray")?.trim() ?? "";
	return RAY_ID.test(ray) ? ray : crypto.randomUUID();
}
