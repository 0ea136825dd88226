import { deliveryIdOf } from "../inbound/delivery";
import { isFileNameError, parseInboundFileName } from "../inbound/parse";
import { AAM_RECEIPT_FIELDS } from "../receipts/receipt";
import { CliFailure, type EdgeClient, EXIT, whoami } from "./edge-client";
import type { CliHost, ToolHost } from "./host";

/** A delivery as `GET /api/v1/inbound-files/{id}` answers it (the fields the CLI reads). */
export interface DeliveryView {
	id: string;
	status: "pending" | "running" | "done" | "failed" | "rejected";
	files: string[];
	receipt: Record<string, unknown> | null;
}

/**
 * Counters of records the edge could not use because of the file itself. "No Matching AAM ID" and "No
 * Trait Realized" are left out: they depend on the edge's data (users it has not seen, rules no signal
 * matched), not on a mistake in the file, and would fail every first delivery of new users.
 */
export const FAILED_RECORD_FIELDS = [
	"Format Errors",
	"Invalid AAM ID",
	"Total traits failed validation",
	"Signals over the per-line cap",
	"Files cut at the size cap",
] as const;

export function failedRecords(receipt: Record<string, unknown>): number {
	return FAILED_RECORD_FIELDS.reduce((n, field) => n + (Number(receipt[field]) || 0), 0);
}

/** The exit code a finished delivery gives: 0 clean, 1 records failed, 3 rejected or failed whole. */
export function exitCodeOf(d: DeliveryView): number {
	if (d.status === "rejected" || d.status === "failed") return EXIT.rejected;
	return d.receipt && failedRecords(d.receipt) > 0 ? EXIT.dataProblem : EXIT.ok;
}

export const isFinished = (d: DeliveryView) => d.status === "done" || d.status === "rejected" || d.status === "failed";

/**
 * What to look for: a delivery id, or for a file name its delivery's id (as the edge names deliveries)
 * and the file name itself, which a refusal's id starts with (`<name>@<upload ms>`, batch/inbound/reject.ts).
 */
export async function deliveryIdFor(edge: EdgeClient, given: string): Promise<{ id: string; refusalOf: string[] }> {
	const name = given.split("/").pop() ?? given;
	const parsed = parseInboundFileName(name);
	if (isFileNameError(parsed)) return { id: given, refusalOf: [] };
	const id = deliveryIdOf(parsed, await whoami(edge));
	return { id, refusalOf: [...new Set([name, id])].map((label) => `${label}@`) };
}

/**
 * The newest of the key's deliveries that is the one asked for or a refusal of its file (a file refused
 * at discovery never becomes a delivery of its own id): the edge lists deliveries newest first.
 */
async function newestMatching(edge: EdgeClient, wanted: { id: string; refusalOf: string[] }) {
	if (wanted.refusalOf.length === 0) return undefined;
	const res = await edge.call(`/api/v1/inbound-files?limit=${RECENT_DELIVERIES}`);
	const { deliveries } = (await res.json()) as { deliveries: DeliveryView[] };
	return deliveries.find((d) => d.id === wanted.id || wanted.refusalOf.some((prefix) => d.id.startsWith(prefix)));
}

/** How many of the newest deliveries a file name is looked for in. */
const RECENT_DELIVERIES = 500;

/** Polls until the delivery has finished or `timeoutMs` ran out; prints it and returns the exit code. */
export async function waitForReceipt(
	host: CliHost,
	tools: ToolHost,
	edge: EdgeClient,
	given: string,
	options: { timeoutMs: number; intervalMs: number; json: boolean },
): Promise<number> {
	const wanted = await deliveryIdFor(edge, given);
	const { id } = wanted;
	const deadline = tools.now() + options.timeoutMs;
	for (;;) {
		const res = await edge.call(`/api/v1/inbound-files/${encodeURIComponent(id)}`, {}, [404]);
		// 404: not discovered yet (the edge looks for new files every minute), refused at discovery (then
		// listed under a refusal id), or not the key's own.
		const found = res.status === 404 ? null : ((await res.json()) as DeliveryView);
		// For a file name the newest of its delivery and its refusals counts: a file sent again under a
		// name already applied is refused, and that refusal is the answer, not the first receipt.
		const delivery = (await newestMatching(edge, wanted)) ?? found;
		if (delivery && isFinished(delivery)) {
			host.out(options.json ? `${JSON.stringify(delivery, null, 2)}\n` : renderReceipt(delivery));
			return exitCodeOf(delivery);
		}
		if (tools.now() + options.intervalMs > deadline) {
			const state = delivery ? delivery.status : "not yet discovered";
			throw new CliFailure(`delivery ${id}: ${state} after ${options.timeoutMs / 1000} s`, EXIT.pending);
		}
		await tools.sleep(options.intervalMs);
	}
}

export function renderReceipt(d: DeliveryView): string {
	const out = [`Delivery ${d.id}: ${d.status}`];
	const r = d.receipt;
	if (!r) return `${out.join("\n")}\n  (no receipt: the delivery failed on the edge; its operator sees why)\n`;
	const files = Array.isArray(r["File name"]) ? r["File name"].join(", ") : "";
	if (files) out.push(`  File name: ${files}`);
	if (typeof r.Reason === "string") out.push(`  Reason: ${r.Reason}`);
	const labels = [...AAM_RECEIPT_FIELDS, "Signals over the per-line cap", "Files cut at the size cap"];
	const width = Math.max(...labels.map((l) => l.length));
	for (const label of labels) if (label in r) out.push(`  ${label.padEnd(width)}  ${String(r[label])}`);
	const samples = r["Sample lines"];
	if (samples && typeof samples === "object") {
		for (const [kind, lines] of Object.entries(samples)) {
			if (Array.isArray(lines) && lines.length > 0)
				out.push(`  Sample lines, ${kind}:`, ...lines.map((l) => `    ${String(l)}`));
		}
	}
	const failed = failedRecords(r);
	out.push(failed > 0 ? `Records failed: ${failed}` : d.status === "done" ? "No record failed." : "Rejected.");
	return `${out.join("\n")}\n`;
}

/** One line per delivery: what `receipts` lists and `receipts --watch` prints as deliveries finish. */
export function summaryLine(d: DeliveryView): string {
	const r = d.receipt;
	const counts = r ? `  received ${Number(r["Records received"]) || 0}  failed ${failedRecords(r)}` : "";
	return `${d.id}  ${d.status}${counts}\n`;
}

/**
 * Lists the key's deliveries, newest first; with `watch`, keeps polling and prints each delivery that
 * finishes after the start, until `timeoutMs` (0: until interrupted).
 */
export async function listReceipts(
	host: CliHost,
	tools: ToolHost,
	edge: EdgeClient,
	options: { watch: boolean; timeoutMs: number; intervalMs: number; limit: number },
): Promise<number> {
	const list = async () =>
		((await (await edge.call(`/api/v1/inbound-files?limit=${options.limit}`)).json()) as { deliveries: DeliveryView[] })
			.deliveries;
	const first = await list();
	for (const d of first) host.out(summaryLine(d));
	if (!options.watch) return EXIT.ok;
	const finished = new Set(first.filter(isFinished).map((d) => d.id));
	host.out(`Watching for receipts every ${options.intervalMs / 1000} s…\n`);
	const deadline = options.timeoutMs > 0 ? tools.now() + options.timeoutMs : Number.POSITIVE_INFINITY;
	while (tools.now() + options.intervalMs <= deadline) {
		await tools.sleep(options.intervalMs);
		for (const d of (await list()).reverse()) {
			if (!isFinished(d) || finished.has(d.id)) continue;
			finished.add(d.id);
			host.out(summaryLine(d));
		}
	}
	return EXIT.ok;
}
