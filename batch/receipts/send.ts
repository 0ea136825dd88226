import { EmailMessage } from "cloudflare:email";

/**
 * Sends one MIME message to each recipient (the send_email binding takes one envelope recipient per
 * message). Each copy is first kept in the archive bucket under `<folder>/<recipient>.eml`: an audit of
 * what was sent, and where local development shows the e-mails. Keys are stable, so a retried step
 * overwrites, never adds.
 */
export async function sendMail(
	env: Env,
	message: { from: string; to: readonly string[]; raw: string },
	folder: string,
): Promise<{ sent: number }> {
	for (const recipient of message.to) {
		await env.ARCHIVE.put(outboxPath(folder, recipient), message.raw, {
			httpMetadata: { contentType: "message/rfc822" },
		});
		await env.EMAIL.send(new EmailMessage(message.from, recipient, message.raw));
	}
	return { sent: message.to.length };
}

export function outboxPath(folder: string, recipient: string): string {
	return `${folder}/${encodeURIComponent(recipient)}.eml`;
}
