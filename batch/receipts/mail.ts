import { createMimeMessage } from "mimetext/browser";
import { base64 } from "../../core/encoding";
import { AAM_RECEIPT_FIELDS, type Receipt } from "./receipt";

/** edgesync's additions after AAM's fields, shown only when something was cut. */
const CAP_FIELDS = ["Signals over the per-line cap", "Files cut at the size cap"] as const satisfies ReadonlyArray<
	keyof Receipt
>;

export interface ReceiptMail {
	from: string;
	to: string[];
	raw: string;
}

/**
 * The receipt as a MIME message laid out as AAM's inbound receipt message: a greeting with the partner's
 * ID, `File name:` and one file per line, then AAM's fields as `Label: value` lines in AAM's order, so a
 * parser of AAM's mails reads it; edgesync's additions follow under their own heading. An HTML part
 * shows the same, and the receipt JSON is attached.
 */
export function receiptMail(receipt: Receipt, dpid: number, from: string, to: readonly string[]): ReceiptMail {
	const msg = createMimeMessage();
	msg.setSender({ name: "edgesync receipts", addr: from });
	msg.setRecipients([...to]);
	msg.setSubject(
		`edgesync Server-To-Server Processing Result: ${receipt.Delivery} (${receipt["Stored Records"]} stored)`,
	);
	const aam = AAM_RECEIPT_FIELDS.map((f): [string, string] => [f, String(receipt[f])]);
	const ours: Array<[string, string]> = [
		["Delivery", receipt.Delivery],
		["Status", receipt.Status],
		...CAP_FIELDS.filter((f) => (receipt[f] ?? 0) > 0).map((f): [string, string] => [f, String(receipt[f])]),
	];
	const lateOf = receipt["Late part of"];
	if (lateOf) ours.push(["Late part of", `${lateOf} (this part arrived after that delivery had started)`]);
	if (receipt.Reason) ours.push(["Reason", receipt.Reason]);
	const samples = Object.entries(receipt["Sample lines"]).flatMap(([kind, lines]) =>
		(lines ?? []).map((line): [string, string] => [kind, line]),
	);
	const greeting = [`Dear partner: (ID:${dpid})`, "We have received your Server-To-Server file delivery"];
	msg.addMessage({
		contentType: "text/plain",
		data: [
			...greeting,
			"File name:",
			...receipt["File name"],
			...aam.map(([k, v]) => `${k}: ${v}`),
			"",
			"edgesync:",
			...ours.map(([k, v]) => `${k}: ${v}`),
			...(samples.length ? ["", "Sample lines:", ...samples.map(([k, l]) => `  [${k}] ${l}`)] : []),
		].join("\n"),
	});
	const rows = (pairs: Array<[string, string]>) =>
		pairs.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join("");
	msg.addMessage({
		contentType: "text/html",
		data: `${greeting.map((line) => `<p>${escapeHtml(line)}</p>`).join("")}<p>File name:</p>${receipt["File name"]
			.map((name) => `<p>${escapeHtml(name)}</p>`)
			.join("")}<table>${rows(aam)}</table><h2>edgesync</h2><table>${rows(ours)}</table>${
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
