import { listGrants } from "./store";

/** What an inbound file name says about data sources (see batch/inbound/parse/file-name.ts). */
export interface NamedSources {
	/** The sender: the DPID whose user IDs the file carries; always the uploader's own. */
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
 * Why `uploader` may not deliver a file naming these data sources, or null when it may. A file may
 * name the uploader's own DPID, master DPID 0 (edgesync's own UUIDs) and the sources the operator
 * granted to it. A DPID that does not exist is simply not granted, so the answer never tells a partner
 * which other partners exist.
 */
export function refusedSource(uploader: number, granted: ReadonlySet<number>, named: NamedSources): string | null {
	if (named.dpid !== uploader)
		return `the file name claims DPID ${named.dpid}; only DPID ${uploader}'s own files are accepted here`;
	const roles: Array<readonly [string, number | null]> = [
		["target", named.targetDpid],
		["master", named.masterDpid],
		...(named.syncDpids ?? []).slice(1).map((source) => ["ID sync", source] as const),
	];
	for (const [role, source] of roles) {
		if (source === null || source === uploader || (role === "master" && source === 0) || granted.has(source)) continue;
		return `${role} data source ${source} is not DPID ${uploader}'s own and has not been granted to it by the operator`;
	}
	return null;
}
