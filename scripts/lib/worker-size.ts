// The Worker's size against the platform's limits (developers.cloudflare.com/workers/platform/limits/):
// after compression 3 MB on Workers Free and 10 MB on Workers Paid, and 64 MiB before compression.

export interface BundleSize {
	/** Bytes of every uploaded module. */
	raw: number;
	/** Bytes of those modules gzipped together (what wrangler reports as "gzip"). */
	gzip: number;
}

export const FREE_GZIP_LIMIT = 3_000_000;
export const PAID_GZIP_LIMIT = 10_000_000;
export const RAW_LIMIT = 64 * 1024 * 1024;

const kib = (bytes: number) => `${Math.round(bytes / 1024).toLocaleString("en-US")} KiB`;
const share = (bytes: number, limit: number) => `${Math.round((bytes / limit) * 100)} %`;

/** What to print, and whether the Worker can be deployed at all (the paid plan's limits). */
export function sizeVerdict({ raw, gzip }: BundleSize): { ok: boolean; lines: string[] } {
	const lines = [
		`Worker: ${kib(raw)} raw (${share(raw, RAW_LIMIT)} of 64 MiB), ${kib(gzip)} gzip`,
		`  gzip against the limits: ${share(gzip, FREE_GZIP_LIMIT)} of Workers Free (3 MB), ${share(gzip, PAID_GZIP_LIMIT)} of Workers Paid (10 MB)`,
	];
	const ok = gzip <= PAID_GZIP_LIMIT && raw <= RAW_LIMIT;
	if (!ok) lines.push("  over the Workers Paid limit: Cloudflare would refuse the upload");
	else if (gzip > FREE_GZIP_LIMIT) lines.push("  over the Workers Free limit: deploys only on Workers Paid");
	return { ok, lines };
}
