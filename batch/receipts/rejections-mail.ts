import { createMimeMessage } from "mimetext/browser";
import { escapeHtml, utf8Base64 } from "./mail";

/** A refusal as recorded: its receipt id, what the partner called the files, and why they were refused. */
export interface Refused {
	id: string;
	label: string;
	reason: string;
}

/**
 * One e-mail per partner per cron pass listing every file refused in that pass, instead of one e-mail
 * per file: a partner that floods its area with bad names costs one message, not thousands.
 */
export function rejectionsMail(dpid: number, refused: readonly Refused[], from: string, to: readonly string[]) {
	const msg = createMimeMessage();
	msg.setSender({ name: "edgesync receipts", addr: from });
	msg.setRecipients([...to]);
	msg.setSubject(`edgesync: ${refused.length} inbound file(s) of DPID ${dpid} refused`);
	const intro = `Refused in DPID ${dpid}'s inbound area; nothing of these was applied. Each has a receipt (id in brackets).`;
	msg.addMessage({
		contentType: "text/plain",
		data: [intro, "", ...refused.map((r) => `${r.label}: ${r.reason} [${r.id}]`)].join("\n"),
	});
	msg.addMessage({
		contentType: "text/html",
		data: `<p>${escapeHtml(intro)}</p><table><tr><th align="left">File</th><th align="left">Reason</th><th align="left">Receipt</th></tr>${refused
			.map(
				(r) => `<tr><td>${escapeHtml(r.label)}</td><td>${escapeHtml(r.reason)}</td><td>${escapeHtml(r.id)}</td></tr>`,
			)
			.join("")}</table>`,
	});
	msg.addAttachment({
		filename: "refused.json",
		contentType: "application/json",
		data: utf8Base64(JSON.stringify({ dpid, refused }, null, 2)),
	});
	return { from, to: [...to], raw: msg.asRaw() };
}
