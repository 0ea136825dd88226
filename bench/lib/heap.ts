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
	let stopped = false;
	let timer: ReturnType<typeof setTimeout> | undefined;
	const ask = () => ws.send(JSON.stringify({ id: ++next, method: "Runtime.getHeapUsage" }));
	// One question in flight at a time, the next 100 ms after the answer. Questions sent on a fixed clock
	// pile up while long steps hold the isolate, and are answered all at once when it lets go; wrangler's
	// inspector proxy posts a debug line to its loopback for every answer. The likely cause of the 10 M
	// runs' stall: ~10,000 half-closed loopback sockets at once, past the dev proxy's 20,000 open files
	// (RESULTS.md §10).
	ws.onmessage = (event) => {
		const message = JSON.parse(String(event.data)) as { result?: { usedSize?: number; totalSize?: number } };
		peak.used = Math.max(peak.used, message.result?.usedSize ?? 0);
		peak.total = Math.max(peak.total, message.result?.totalSize ?? 0);
		if (!stopped) timer = setTimeout(ask, 100);
	};
	ask();
	return {
		async stop() {
			stopped = true;
			clearTimeout(timer);
			await new Promise((r) => setTimeout(r, 150));
			ws.close();
			return peak;
		},
	};
}
