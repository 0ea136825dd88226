import { createMimeMessage } from "mimetext/browser";
import { base64 } from "../../core/encoding";
import type { Receipt } from "./receipt";

/** Counts shown in the e-mail body, in the order of SPEC §5. */
const COUNT_FIELDS = [
	"Records received",
	"Format errors",
	"Invalid IDs",
	"No matching ID",
	"No trait realized",
	"Records processed",
	"Stored records",
	"Total devices",
	"Total signals",
	"Total unused signals",
	"Total realized traits",
	"Total removed traits",
	"Total traits failed validation",
	"Users with traits that failed validation",
	"Job start time",
	"Job end time",
] as const satisfies ReadonlyArray<keyof Receipt>;

/** edgesync's additions after AAM's fields, shown only when something was cut. */
const CAP_FIELDS = ["Signals over the per-line cap", "Files cut at the size cap"] as const satisfies ReadonlyArray<
	keyof Receipt
>;

export interface ReceiptMail {
	from: string;
	to: string[];
	raw: string;
}

/** The receipt as a MIME message: plain text and HTML parts, the receipt JSON attached. */
export function receiptMail(receipt: Receipt, from: string, to: readonly string[]): ReceiptMail {
	const msg = createMimeMessage();
	msg.setSender({ name: "edgesync receipts", addr: from });
	msg.setRecipients([...to]);
	msg.setSubject(`edgesync receipt: ${receipt.Delivery} (${receipt["Stored records"]} stored)`);
	const rows: Array<[string, string]> = [
		["File name(s)", receipt["File name(s)"].join(", ")],
		...COUNT_FIELDS.map((f): [string, string] => [f, String(receipt[f])]),
		...CAP_FIELDS.filter((f) => (receipt[f] ?? 0) > 0).map((f): [string, string] => [f, String(receipt[f])]),
	];
	if (receipt.Reason) rows.unshift(["Rejected", receipt.Reason]);
	const lateOf = receipt["Late part of"];
	if (lateOf) rows.push(["Late part of", `${lateOf} (this part arrived after that delivery had started)`]);
	const samples = Object.entries(receipt["Sample lines"]).flatMap(([kind, lines]) =>
		(lines ?? []).map((line): [string, string] => [kind, line]),
	);
	msg.addMessage({
		contentType: "text/plain",
		data: [
			...rows.map(([k, v]) => `${k}: ${v}`),
			...(samples.length ? ["", "Sample lines:", ...samples.map(([k, l]) => `  [${k}] ${l}`)] : []),
		].join("\n"),
	});
	msg.addMessage({
		contentType: "text/html",
		data: `<h1>Receipt for ${escapeHtml(receipt.Delivery)}</h1><table>${rows
			.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`)
			.join("")}</table>${
			samples.length
				? `<h2>Sample lines</h2><ul>${samples.map(([k, l]) => `<li><b>${escapeHtml(k)}</b> ${escapeHtml(l)}</li>`).join("")}</ul>`
				: ""
		}`,
	});
	msg.addAttachment({
		filename: "receipt.json",
		contentType: "application/json",
		data: utf8Base64(JSON.stringify(receipt, null, 2)),
	});
	return { from, to: [...to], raw: msg.asRaw() };
}

export function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

export function utf8Base64(text: string): string {
	return base64(new TextEncoder().encode(text));
}
