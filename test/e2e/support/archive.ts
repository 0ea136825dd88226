import path from "node:path";
import { gunzipSync } from "node:zlib";
import { getPlatformProxy } from "wrangler";

export interface ArchivedPairLine {
	dpid: number;
	dpuuid: string;
	uuid: string;
	id: string;
}

/** The part of the R2 binding read here (Node has no Workers types). */
interface ArchiveBucket {
	list(options: { prefix: string; cursor?: string }): Promise<{
		objects: Array<{ key: string }>;
		truncated: boolean;
		cursor?: string;
	}>;
	get(key: string): Promise<{ arrayBuffer(): Promise<ArrayBuffer> } | null>;
}

const CONFIG = path.join(import.meta.dirname, "..", "..", "..", "wrangler.toml");

/**
 * Every pair line in a running edge's R2 archive (`pairs/dt=…`), read through wrangler's platform
 * proxy on the same local state directory that `wrangler dev` writes.
 */
export async function archivedPairs(persist: string): Promise<ArchivedPairLine[]> {
	const { env, dispose } = await getPlatformProxy<{ ARCHIVE: ArchiveBucket }>({
		configPath: CONFIG,
		persist: { path: path.join(persist, "v3") },
	});
	try {
		const lines: ArchivedPairLine[] = [];
		let cursor: string | undefined;
		do {
			const page = await env.ARCHIVE.list({ prefix: "pairs/", cursor });
			for (const object of page.objects) {
				const body = await env.ARCHIVE.get(object.key);
				const text = gunzipSync(Buffer.from(await (body?.arrayBuffer() ?? new ArrayBuffer(0)))).toString("utf8");
				for (const line of text.split("\n")) if (line) lines.push(JSON.parse(line) as ArchivedPairLine);
			}
			cursor = page.truncated ? page.cursor : undefined;
		} while (cursor);
		return lines;
	} finally {
		await dispose();
	}
}
