import { globalSource } from "../partners/global-sources";
import { listGrants } from "./store";

/** What an inbound file name says about data sources (see batch/inbound/parse/file-name.ts). */
export interface NamedSources {
	kind: "traits" | "id_sync";
	/**
	 * Traits: whose IDs the file carries, the uploader's own or a global data source's device IDs.
	 * ID sync: the first DPID after the master, written like the others.
	 */
	dpid: number;
	targetDpid: number | null;
	masterDpid: number | null;
	/** ID sync: every DPID after the master (the first is `dpid`); each gets pairs from the file. */
	syncDpids?: readonly number[];
}

/** The data sources `dpid` may name besides its own (one query per upload or per partner and pass). */
export async function grantedSources(db: D1Database, dpid: number): Promise<ReadonlySet<number>> {
	return new Set((await listGrants(db, dpid)).map((g) => g.sourceDpid));
}

/**
 * The check discovery makes on each file before grouping it into a delivery: a trait file carries the
 * uploader's own IDs or a global data source's device IDs (AAM: `ftp_dpm_20914_<TARGET>_…`), never
 * another partner's. ID-sync files are judged as deliveries (refusedSource).
 */
export function refusedSender(uploader: number, named: NamedSources): string | null {
	if (named.kind !== "traits" || named.dpid === uploader || globalSource(named.dpid)) return null;
	return `the file name claims DPID ${named.dpid}; only DPID ${uploader}'s own files are accepted here`;
}

/**
 * Why `uploader` may not deliver a file naming these data sources, or null when it may. The uploader
 * owns every delivery it uploads (its receipts and e-mails), whatever the name says.
 * - A trait file carries the uploader's own IDs, or the device IDs of one of AAM's global data sources
 *   (read through that source's pairs: no grant needed), and then must name its target. The target,
 *   whose traits it sets, is the uploader's own or granted.
 * - An ID-sync file reads its master column (the uploader's own, 0 for edgesync's UUIDs, a granted
 *   source, or a global data source's device IDs) and writes pairs for every DPID after it: each the
 *   uploader's own or granted. Writing a global data source's device IDs changes how every partner's
 *   files and calls resolve them, so it needs the operator's grant as any other source does.
 * A DPID that does not exist is simply not granted, so the answer never tells a partner which other
 * partners exist.
 */
export function refusedSource(uploader: number, granted: ReadonlySet<number>, named: NamedSources): string | null {
	const sender = refusedSender(uploader, named);
	if (sender) return sender;
	if (named.kind === "traits" && named.dpid !== uploader && named.targetDpid === null) {
		const global = globalSource(named.dpid);
		return `a file of ${global?.name ?? `data source ${named.dpid}`} device IDs must name the data source whose traits it sets: ftp_dpm_${named.dpid}_<TARGET_DPID>_<TIMESTAMP>…, TARGET_DPID being DPID ${uploader} or a source granted to it`;
	}
	const mayName = (source: number) => source === uploader || granted.has(source);
	const roles: Array<readonly [string, number | null]> = [
		["target", named.targetDpid],
		["master", named.masterDpid],
		...(named.kind === "id_sync" ? (named.syncDpids ?? [named.dpid]) : []).map((s) => ["ID sync", s] as const),
	];
	for (const [role, source] of roles) {
		if (source === null || mayName(source)) continue;
		if (role === "master" && (source === 0 || globalSource(source))) continue;
		const global = role === "ID sync" ? globalSource(source) : undefined;
		if (global) {
			return `ID sync data source ${source} is AAM's global data source ${global.name}: pairs written into it would change how every partner's device IDs resolve, so DPID ${uploader} needs the operator's grant of ${source} (an access mapping), as for any data source not its own`;
		}
		return `${role} data source ${source} is not DPID ${uploader}'s own and has not been granted to it by the operator`;
	}
	return null;
}
