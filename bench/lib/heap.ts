// The Worker's own memory, as V8 sees it: samples the user Worker isolate's heap through the DevTools
// inspector that `wrangler dev --inspector-port` exposes (`Edge.inspectorPort`). Process RSS
// (`Edge.workerdKb`) also holds workerd itself, the local D1/R2 engines and their caches; this is what
// the Worker code allocates.

export interface HeapPeak {
	/** Peak V8 heap in use, bytes. */
	used: number;
	/** Peak V8 heap reserved, bytes. */
	total: number;
}

/** Starts sampling every 100 ms; `stop()` ends it and returns the peaks seen. */
export async function sampleHeap(inspectorPort: number): Promise<{ stop(): Promise<HeapPeak> }> {
	const url = `ws://127.0.0.1:${inspectorPort}/ws`;
	// The inspector proxy insists on an Origin header (a browser-only attack surface otherwise).
	const ws = new WebSocket(url, { headers: { Origin: `http://127.0.0.1:${inspectorPort}` } } as unknown as string[]);
	await new Promise<void>((resolve, reject) => {
		ws.onopen = () => resolve();
		ws.onerror = () => reject(new Error(`cannot reach the inspector at ${url}`));
	});
	const peak: HeapPeak = { used: 0, total: 0 };
	let next = 0;
	ws.onmessage = (event) => {
		const message = JSON.parse(String(event.data)) as { result?: { usedSize?: number; totalSize?: number } };
		peak.used = Math.max(peak.used, message.result?.usedSize ?? 0);
		peak.total = Math.max(peak.total, message.result?.totalSize ?? 0);
	};
	const timer = setInterval(() => ws.send(JSON.stringify({ id: ++next, method: "Runtime.getHeapUsage" })), 100);
	return {
		async stop() {
			clearInterval(timer);
			await new Promise((r) => setTimeout(r, 150));
			ws.close();
			return peak;
		},
	};
}
