// `edgesync receipt <file name>` against the Worker's real routes: a file refused at discovery is known
// only under its refusal's id (`<name>@<upload ms>`), and the command must still find it.
import { describe, expect, it } from "vitest";
import { type EdgeClient, EXIT } from "../../batch/cli/edge-client";
import type { CliHost, ToolHost } from "../../batch/cli/host";
import { waitForReceipt } from "../../batch/cli/receipt";
import { call, EDGE } from "./support/edge";
import { runCron, upload } from "./support/inbound";
import { seedPartnersWithKeys } from "./support/partners";

const T = 1_790_000_000;

/** The CLI's edge client over the Worker's fetch handler, with the partner's key. */
function edgeOf(key: string): EdgeClient {
	return {
		origin: EDGE,
		async call(path, init = {}, expected = []) {
			const headers = new Headers(init.headers);
			headers.set("Authorization", `Bearer ${key}`);
			const res = await call(path, { ...init, headers });
			if (!res.ok && !expected.includes(res.status)) throw new Error(`${path}: ${res.status}`);
			return res;
		},
	};
}

function capture(): { host: CliHost; tools: ToolHost; printed: () => string } {
	let out = "";
	const host = { open: () => Promise.reject(new Error("no files")), out: (t: string) => (out += t), err: () => {} };
	const clock = { now: () => Date.now(), sleep: async () => {} };
	return { host, tools: clock as unknown as ToolHost, printed: () => out };
}

describe("edgesync receipt <file name>", () => {
	it("finds a file refused at discovery, known only under its refusal id: exit 3", async () => {
		const { 1000: key } = await seedPartnersWithKeys(1000, 2000);
		// Sent over S3 into partner 1000's area, naming partner 2000's data source (no grant): refused.
		const name = `ftp_dpm_2000_${T}.sync`;
		await upload(`1000/inbound/${name}`, "u1\td_sid=1\n");
		await runCron();
		const { host, tools, printed } = capture();
		const code = await waitForReceipt(host, tools, edgeOf(key), name, { timeoutMs: 0, intervalMs: 1, json: false });
		expect(code).toBe(EXIT.rejected);
		expect(printed()).toMatch(new RegExp(`^Delivery ${name.replaceAll(".", "\\.")}@\\d+: rejected`));
	});
});
