import type { Targets } from "../destinations/schema";
import { httpsTransport } from "./https";
import type { Transport } from "./loop";
import { s3Transport } from "./s3";

/** The targets a run sends to beyond R2 (which is always written). */
export type TargetKind = keyof Targets;
const KINDS: readonly TargetKind[] = ["https", "s3"];

/** The targets beyond R2 that a destination names, in the order they are served. */
export function targetKinds(targets: Targets): TargetKind[] {
	return KINDS.filter((kind) => targets[kind] !== undefined);
}

/** The transport for one target; checks its endpoint and reads its secrets first (send/checks.ts). */
export function transportFor(env: Env, kind: TargetKind, targets: Targets): Transport {
	const https = targets.https;
	const s3 = targets.s3;
	if (kind === "https" && https) return httpsTransport(env, https);
	if (kind === "s3" && s3) return s3Transport(env, s3);
	throw new Error(`the destination names no ${kind} target`);
}

/** Where a target is, as its outcome records it: the HTTPS URL or the S3 bucket. */
export function placeOf(kind: TargetKind, targets: Targets): string {
	return kind === "https" ? (targets.https?.url ?? "") : (targets.s3?.bucket ?? "");
}
