import type { FC } from "hono/jsx";
import type { Run } from "../../../batch/outbound/runs/schema";
import { fmtInt, fmtTime, Layout, Scroll, Section, Status } from "../layout";
import type { Session } from "../session";

/** One outbound run: its window, every file with size, lines and MD5, and what each target answered. */
export const RunPage: FC<{ session: Session; csrf: string; run: Run }> = ({ session, csrf, run }) => (
	<Layout title={`Run ${run.id}`} session={session} csrf={csrf}>
		<p>
			<a href="/admin">← Dashboard</a>
		</p>
		<h1 class="break">{`Run ${run.id}`}</h1>
		<p class="sub">
			{`Destination ${run.destinationId} · partner ${run.dpid} · ${run.mode} · ${run.trigger} · started ${fmtTime(run.startedAt)} · `}
			<Status status={run.status} />
		</p>
		{run.error && <p class="error-text">{run.error}</p>}
		<Section id="files" title="Files">
			{run.files.length === 0 ? (
				<p class="empty">No files written yet.</p>
			) : (
				<Scroll>
					<table>
						<thead>
							<tr>
								<th>#</th>
								<th>File</th>
								<th class="num">Lines</th>
								<th class="num">Bytes</th>
								<th>MD5</th>
							</tr>
						</thead>
						<tbody>
							{run.files.map((f) => (
								<tr>
									<td class="num">{f.sequence}</td>
									<td class="break">{f.name}</td>
									<td class="num">{fmtInt(f.lines)}</td>
									<td class="num">{fmtInt(f.bytes)}</td>
									<td class="url">{f.md5}</td>
								</tr>
							))}
						</tbody>
					</table>
				</Scroll>
			)}
			<p class="sub">{`${fmtInt(run.lines)} lines, ${fmtInt(run.bytes)} bytes; ${windowOf(run)}${run.durationMs === null ? "" : `; took ${(run.durationMs / 1000).toFixed(1)} s`}`}</p>
		</Section>
		<Section id="targets" title="Targets">
			{Object.keys(run.outcomes).length === 0 ? (
				<p class="empty">Nothing sent yet.</p>
			) : (
				<Scroll>
					<table>
						<thead>
							<tr>
								<th>Target</th>
								<th>Where</th>
								<th>Status</th>
								<th class="num">Files</th>
								<th>Error</th>
							</tr>
						</thead>
						<tbody>
							{Object.entries(run.outcomes).map(([kind, o]) => (
								<tr>
									<td>{kind}</td>
									<td class="url">{o.target}</td>
									<td>
										<Status status={o.status} />
									</td>
									<td class="num">{o.files}</td>
									<td class="error-text">{o.error ?? ""}</td>
								</tr>
							))}
						</tbody>
					</table>
				</Scroll>
			)}
		</Section>
	</Layout>
);

function windowOf(run: Run): string {
	if (run.mode === "full" || run.since === 0) return `every member as of ${fmtTime(run.until)}`;
	return `changes after ${fmtTime(run.since)} up to ${fmtTime(run.until)}`;
}
