import { env } from "cloudflare:workers";
import { AwsV4Signer } from "aws4fetch";
import { delay, HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
	outboundBytes,
	outboundLines,
	pair,
	runAt,
	seedDestination,
	seedSegments,
	traitsChange,
} from "./support/outbound";

const PARTNER_URL = "https://partner.example/edgesync/upload";
const S3_ENDPOINT = "https://s3.partner.example";
const T0 = 1_800_000_000_000;
const MIN = 60_000;
const U = (n: number) => String(n).repeat(38);
// Bytes of a partner's error answer the edge reads before it cancels the body.
const ANSWER_READ_BYTES = 4_096;

const httpsTarget = (secretBinding = "DELIVERY_PARTNER_POST_TOKEN") => ({
	https: { url: PARTNER_URL, secretHeader: "Authorization", secretBinding },
});
const s3Target = (secretKeyBinding = "DELIVERY_S3_SECRET") => ({
	s3: {
		endpoint: S3_ENDPOINT,
		bucket: "partner-bucket",
		region: "eu-west-1",
		prefix: "edgesync/in/",
		accessKeyBinding: "DELIVERY_S3_KEY_ID",
		secretKeyBinding,
	},
});

// The partner's side, in the test: MSW answers the Worker's outbound fetches.
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

interface Received {
	file: string;
	headers: Headers;
	body: Uint8Array;
}

/** A partner endpoint answering request n with statuses[n] (the last one repeats), or slowly. */
function partnerEndpoint(statuses: number[], slowMs = 0): Received[] {
	const received: Received[] = [];
	server.use(
		http.post(PARTNER_URL, async ({ request }) => {
			const body = new Uint8Array(await request.arrayBuffer());
			received.push({ file: request.headers.get("x-edgesync-file") ?? "", headers: request.headers, body });
			if (slowMs > 0) await delay(slowMs);
			const status = statuses[Math.min(received.length - 1, statuses.length - 1)] ?? 200;
			return new HttpResponse(status === 200 ? "ok" : `refused with ${status}`, { status });
		}),
	);
	return received;
}

/** An S3-compatible bucket that checks each PUT's SigV4 signature against the real credentials. */
function partnerBucket(): Map<string, Received> {
	const objects = new Map<string, Received>();
	server.use(
		http.put(`${S3_ENDPOINT}/partner-bucket/*`, async ({ request }) => {
			if (!(await signedWith(request, env.DELIVERY_S3_KEY_ID, env.DELIVERY_S3_SECRET))) {
				return new HttpResponse("<Error><Code>SignatureDoesNotMatch</Code></Error>", { status: 403 });
			}
			const key = decodeURIComponent(new URL(request.url).pathname.replace("/partner-bucket/", ""));
			objects.set(key, { file: key, headers: request.headers, body: new Uint8Array(await request.arrayBuffer()) });
			return new HttpResponse(null, { status: 200 });
		}),
	);
	return objects;
}

async function signedWith(
	request: Pick<Request, "method" | "url" | "headers">,
	accessKeyId: string,
	secretAccessKey: string,
): Promise<boolean> {
	const auth = request.headers.get("authorization") ?? "";
	const signedHeaders = /SignedHeaders=([^,]+)/.exec(auth)?.[1]?.split(";") ?? [];
	const headers = new Headers();
	for (const name of signedHeaders) if (name !== "host") headers.set(name, request.headers.get(name) ?? "");
	const signer = new AwsV4Signer({
		method: request.method,
		url: request.url,
		headers,
		accessKeyId,
		secretAccessKey,
		service: "s3",
		region: "eu-west-1",
		datetime: request.headers.get("x-amz-date") ?? "",
	});
	return (await signer.sign()).headers.get("authorization") === auth;
}

beforeEach(async () => {
	await seedSegments();
	await pair("pa", U(1));
	await pair("pb", U(2));
	await pair("pc", U(3));
	await traitsChange(T0, { [U(1)]: { add: [1, 2] } });
});

describe("sending to an HTTPS endpoint", () => {
	it("POSTs every data file, then the .info, with the secret header, the file name and Content-MD5", async () => {
		const received = partnerEndpoint([200]);
		await seedDestination(1, { gzip: false, targets: httpsTarget() });
		const run = await runAt(1, T0 + 10 * MIN);
		expect(run.status).toBe("sent");
		expect(received.map((r) => r.file)).toEqual([
			"HTTPS_1_1000_iter_1800000600000.sync",
			"HTTPS_1_1000_iter_1800000600000.info",
		]);
		for (const r of received) expect(r.headers.get("authorization")).toBe("Bearer partner-post-secret");
		expect(new TextDecoder().decode(received[0]?.body)).toBe("pa\t10,11\n");
		expect(received[0]?.body).toEqual(await outboundBytes("HTTPS_1_1000_iter_1800000600000.sync"));
		expect(received[0]?.headers.get("content-type")).toBe("text/tab-separated-values; charset=utf-8");
		// RFC 1864: base64 of the MD5 digest of "pa\t10,11\n" (hex 78f6b4038424e54f529c533178b1dec3).
		expect(received[0]?.headers.get("content-md5")).toBe("ePa0A4Qk5U9SnFMxeLHeww==");
		// The .info has no MD5 of its own to send.
		expect(received[1]?.headers.get("content-md5")).toBeNull();
		expect(run.outcomes).toEqual({
			r2: { status: "sent", target: "1000/outbound/", files: 2 },
			https: { status: "sent", target: PARTNER_URL, files: 2 },
		});
	});

	it("retries an endpoint that answers 500 and 503, and sends once it recovers", async () => {
		const received = partnerEndpoint([500, 503, 200]);
		await seedDestination(1, { targets: httpsTarget() });
		const run = await runAt(1, T0 + 10 * MIN);
		expect(run.status).toBe("sent");
		expect(received.map((r) => r.file.split(".").slice(1).join("."))).toEqual([
			"sync.gz",
			"sync.gz",
			"sync.gz",
			"info",
		]);
	});

	it("gives up after bounded retries: run failed, the .info never sent, the changes carried into the next run", async () => {
		await seedDestination(1, { targets: httpsTarget() });
		partnerEndpoint([200]);
		expect((await runAt(1, T0 + 10 * MIN)).status).toBe("sent");
		server.resetHandlers();

		await traitsChange(T0 + 15 * MIN, { [U(2)]: { add: [2] } });
		const refused = partnerEndpoint([500]);
		const failed = await runAt(1, T0 + 20 * MIN);
		expect(failed.status).toBe("failed");
		expect(failed.error).toContain("HTTP 500");
		expect(failed.outcomes).toMatchObject({ r2: { status: "sent" }, https: { status: "failed" } });
		// One try and three retries of the first file; nothing reported as sent.
		expect(refused.map((r) => r.file)).toEqual(Array(4).fill(failed.files[0]?.name));
		server.resetHandlers();

		await traitsChange(T0 + 25 * MIN, { [U(3)]: { add: [2] } });
		const received = partnerEndpoint([200]);
		const next = await runAt(1, T0 + 30 * MIN);
		expect(next).toMatchObject({ status: "sent", since: T0 + 9 * MIN });
		expect(await outboundLines(next.files[0]?.name ?? "")).toEqual(["pb\t11", "pc\t11"]);
		expect(received).toHaveLength(2);
	});

	it("does not retry a refusal that retrying cannot fix (401)", async () => {
		const received = partnerEndpoint([401]);
		await seedDestination(1, { targets: httpsTarget() });
		const run = await runAt(1, T0 + 10 * MIN);
		expect(run).toMatchObject({ status: "failed" });
		expect(run.error).toContain("HTTP 401 refused with 401");
		expect(received).toHaveLength(1);
	});

	it("does not follow a redirect with the file and the secret: a 3xx fails the send at once", async () => {
		const received: string[] = [];
		server.use(
			http.post(PARTNER_URL, ({ request }) => {
				received.push(request.headers.get("x-edgesync-file") ?? "");
				return new HttpResponse(null, { status: 307, headers: { Location: "https://elsewhere.example/take" } });
			}),
			http.post("https://elsewhere.example/take", () => HttpResponse.text("should never be reached", { status: 500 })),
		);
		await seedDestination(1, { targets: httpsTarget() });
		const run = await runAt(1, T0 + 10 * MIN);
		expect(run.status).toBe("failed");
		expect(run.error).toContain("HTTP 307");
		expect(received).toHaveLength(1);
	});

	it("treats an endpoint slower than the timeout as failed, with bounded retries", async () => {
		const received = partnerEndpoint([200], 2_000);
		await seedDestination(1, { targets: httpsTarget() });
		const run = await runAt(1, T0 + 10 * MIN);
		expect(run.status).toBe("failed");
		expect(run.error).toMatch(/timed? ?out|abort/i);
		expect(received).toHaveLength(4);
	});

	it("fails at once, naming it, when the target secret is not set", async () => {
		const received = partnerEndpoint([200]);
		await seedDestination(1, { targets: httpsTarget("DELIVERY_NO_SUCH_SECRET") });
		const run = await runAt(1, T0 + 10 * MIN);
		expect(run.status).toBe("failed");
		expect(run.error).toContain("Worker secret DELIVERY_NO_SUCH_SECRET is not set");
		expect(received).toHaveLength(0);
	});
});

describe("destinations saved before the target rules", () => {
	it("never reads a secret that is not a target secret: sending fails at once, saying why", async () => {
		const received = partnerEndpoint([200]);
		await seedDestination(1, { targets: httpsTarget("ADMIN_TOKEN") });
		const run = await runAt(1, T0 + 10 * MIN);
		expect(run.status).toBe("failed");
		expect(run.error).toContain("ADMIN_TOKEN is not a target secret");
		expect(run.error).toContain("starting with DELIVERY_");
		expect(JSON.stringify(run)).not.toContain(env.ADMIN_TOKEN);
		expect(received).toHaveLength(0);
	});

	it("refuses S3 credentials named after another setting the same way", async () => {
		const objects = partnerBucket();
		await seedDestination(2, {
			targets: { s3: { ...s3Target().s3, accessKeyBinding: "SESSION_SECRET" } },
		});
		const run = await runAt(2, T0 + 10 * MIN);
		expect(run.status).toBe("failed");
		expect(run.error).toContain("SESSION_SECRET is not a target secret");
		expect(objects.size).toBe(0);
	});

	it.each([
		["https", "https://127.0.0.1/upload", /HTTPS endpoint https:\/\/127\.0\.0\.1\/upload is refused: .*loopback/],
		["s3", "https://169.254.169.254", /S3 endpoint https:\/\/169\.254\.169\.254 is refused: .*linkLocal/],
	])("refuses a stored %s endpoint on a non-public address before sending anything", async (kind, url, reason) => {
		const targets =
			kind === "https" ? { https: { ...httpsTarget().https, url } } : { s3: { ...s3Target().s3, endpoint: url } };
		await seedDestination(3, { targets });
		// MSW fails any request no handler expects, so a fetch to the address would show up as another error.
		const run = await runAt(3, T0 + 10 * MIN);
		expect(run.status).toBe("failed");
		expect(run.error).toMatch(reason);
	});
});

/** An error body that starts with `start` and then never ends; says how much was pulled and whether it was cancelled. */
function endlessBody(start: string): {
	body: ReadableStream<Uint8Array>;
	pulled: () => number;
	cancelled: () => boolean;
} {
	const filler = new TextEncoder().encode("x".repeat(16_384));
	let pulled = 0;
	let cancelled = false;
	let first = true;
	const body = new ReadableStream<Uint8Array>({
		pull(controller) {
			const chunk = first ? new TextEncoder().encode(start) : filler.slice();
			first = false;
			pulled += chunk.length;
			controller.enqueue(chunk);
		},
		cancel() {
			cancelled = true;
		},
	});
	return { body, pulled: () => pulled, cancelled: () => cancelled };
}

describe("a partner's error answer is read up to a small limit, then cancelled", () => {
	it("HTTPS: a never-ending 401 body", async () => {
		const answer = endlessBody("denied: token revoked ");
		server.use(http.post(PARTNER_URL, () => new HttpResponse(answer.body, { status: 401 })));
		await seedDestination(1, { targets: httpsTarget() });
		const run = await runAt(1, T0 + 10 * MIN);
		expect(run.status).toBe("failed");
		expect(run.error).toContain("HTTP 401 denied: token revoked xxx");
		expect(answer.pulled()).toBeLessThan(ANSWER_READ_BYTES + 4 * 16_384);
	});

	it("HTTPS: never-ending 500 bodies, on every retry", async () => {
		const answers: Array<ReturnType<typeof endlessBody>> = [];
		server.use(
			http.post(PARTNER_URL, () => {
				const answer = endlessBody("overloaded ");
				answers.push(answer);
				return new HttpResponse(answer.body, { status: 500 });
			}),
		);
		await seedDestination(1, { targets: httpsTarget() });
		const run = await runAt(1, T0 + 10 * MIN);
		expect(run.status).toBe("failed");
		expect(run.error).toContain("HTTP 500 overloaded xxx");
		expect(answers).toHaveLength(4);
		for (const answer of answers) {
			expect(answer.pulled()).toBeLessThan(ANSWER_READ_BYTES + 4 * 16_384);
		}
	});

	it("S3: a never-ending 403 XML body", async () => {
		const answer = endlessBody("<Error><Code>AccessDenied</Code>");
		server.use(http.put(`${S3_ENDPOINT}/partner-bucket/*`, () => new HttpResponse(answer.body, { status: 403 })));
		await seedDestination(2, { targets: s3Target() });
		const run = await runAt(2, T0 + 10 * MIN);
		expect(run.status).toBe("failed");
		expect(run.error).toContain("HTTP 403 <Error><Code>AccessDenied</Code>xxx");
		expect(answer.pulled()).toBeLessThan(ANSWER_READ_BYTES + 4 * 16_384);
	});
});

describe("sending to an S3 bucket", () => {
	it("PUTs every file under the prefix, signed with the destination's credentials", async () => {
		const objects = partnerBucket();
		await seedDestination(2, { mode: "full", targets: s3Target() });
		const run = await runAt(2, T0 + 10 * MIN);
		expect(run.status).toBe("sent");
		expect([...objects.keys()]).toEqual([
			"edgesync/in/S3_2_1000_full_1800000600000.sync.gz",
			"edgesync/in/S3_2_1000_full_1800000600000.info",
		]);
		const sent = objects.get("edgesync/in/S3_2_1000_full_1800000600000.sync.gz");
		expect(sent?.body).toEqual(await outboundBytes("S3_2_1000_full_1800000600000.sync.gz"));
		expect(sent?.headers.get("content-type")).toBe("application/gzip");
		expect(run.outcomes).toMatchObject({ s3: { status: "sent", files: 2, target: "partner-bucket" } });
	});

	it("records refused credentials as a failed run without retrying them", async () => {
		const objects = partnerBucket();
		await seedDestination(2, { targets: s3Target("DELIVERY_S3_REVOKED_SECRET") });
		const run = await runAt(2, T0 + 10 * MIN);
		expect(run.status).toBe("failed");
		expect(run.error).toContain("SignatureDoesNotMatch");
		expect(objects.size).toBe(0);
	});

	it("with HTTPS and S3 both configured, one failing target fails the run and holds the watermark", async () => {
		partnerBucket();
		partnerEndpoint([500]);
		await seedDestination(3, { targets: { ...httpsTarget(), ...s3Target() } });
		const run = await runAt(3, T0 + 10 * MIN);
		expect(run.status).toBe("failed");
		expect(run.outcomes).toMatchObject({ https: { status: "failed" }, s3: { status: "sent" } });
		const state = await env.DB.prepare("SELECT sent_until FROM destination_state WHERE destination_id = 3").first();
		expect(state).toEqual({ sent_until: 0 });
	});
});
