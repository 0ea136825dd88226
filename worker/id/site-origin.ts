/**
 * May a page of `origin` call /id? Only the configured site origins (SITE_ORIGINS) and the edge's own
 * origin (its /demo page): the answer is theirs to read (credentialed CORS), and a call the page may
 * not read must not set or refresh the visitor's cookie either (docs/tag-architecture.md).
 */
export function isSiteOrigin(origin: string, requestUrl: string, siteOrigins: readonly string[]): boolean {
	return siteOrigins.includes(origin) || origin === new URL(requestUrl).origin;
}
