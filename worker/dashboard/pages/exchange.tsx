import type { FC } from "hono/jsx";
import { exchangeAreas } from "../../../batch/exchange-layout";
import type { SourceGrant } from "../../../core/grants/grant";
import { fmtTime, Scroll, Section } from "../layout";

/** A partner's own view of where its files are, and which other data sources its files may name. */
export const ExchangeAreaSection: FC<{ dpid: number; grants: SourceGrant[] }> = ({ dpid, grants }) => {
	const areas = exchangeAreas(dpid);
	return (
		<Section id="exchange" title="Your exchange area">
			<p>
				Everything of yours in the exchange bucket is under <code>{areas.prefix}</code>; S3 credentials from the
				operator reach nothing else.
			</p>
			<Scroll>
				<table>
					<tbody>
						<tr>
							<th scope="row">Inbound files (you write)</th>
							<td>
								<code>{areas.inbound}</code>
								{" or "}
								<code>{`${areas.inbound}<folder>/date=YYYY-MM-DD/`}</code>
							</td>
						</tr>
						<tr>
							<th scope="row">Outbound files (you read)</th>
							<td>
								<code>{areas.outbound}</code>
							</td>
						</tr>
						<tr>
							<th scope="row">Receipts (you read)</th>
							<td>
								<code>{areas.receipts}</code>
							</td>
						</tr>
					</tbody>
				</table>
			</Scroll>
			<p data-testid="granted">
				{grants.length === 0
					? `Your files may name only data source ${dpid} (and master DPID 0, edgesync UUIDs).`
					: `Your files may name data sources ${dpid}, ${grants.map((g) => g.sourceDpid).join(", ")} (and master DPID 0, edgesync UUIDs).`}
			</p>
		</Section>
	);
};

/** The operator's access mappings, with forms to add and remove them (CSRF-protected like log out). */
export const GrantsSection: FC<{ grants: SourceGrant[]; csrf: string }> = ({ grants, csrf }) => (
	<Section id="grants" title="Access mappings">
		<p class="sub">
			Data sources a partner's inbound files may name besides its own DPID: the target of{" "}
			<code>ftp_dpm_&lt;DPID&gt;_&lt;TARGET&gt;_…</code> or the master of{" "}
			<code>adobe_id_&lt;MASTER&gt;_&lt;DPID&gt;_…</code>.
		</p>
		{grants.length === 0 ? (
			<p class="empty">No access mappings: every partner may name only its own data source.</p>
		) : (
			<Scroll>
				<table>
					<thead>
						<tr>
							<th>Partner</th>
							<th>May name</th>
							<th>Since (UTC)</th>
							<th />
						</tr>
					</thead>
					<tbody>
						{grants.map((g) => (
							<tr data-grant={`${g.dpid}-${g.sourceDpid}`}>
								<td class="num">{g.dpid}</td>
								<td class="num">{g.sourceDpid}</td>
								<td>{fmtTime(g.createdAt)}</td>
								<td>
									<form method="post" action="/admin/grants/remove">
										<input type="hidden" name="_csrf" value={csrf} />
										<input type="hidden" name="dpid" value={String(g.dpid)} />
										<input type="hidden" name="sourceDpid" value={String(g.sourceDpid)} />
										<button type="submit">Remove</button>
									</form>
								</td>
							</tr>
						))}
					</tbody>
				</table>
			</Scroll>
		)}
		<form class="inline-form" method="post" action="/admin/grants">
			<input type="hidden" name="_csrf" value={csrf} />
			<label>
				Partner DPID
				<input name="dpid" inputmode="numeric" pattern="[1-9][0-9]{0,9}" required />
			</label>
			<label>
				may name data source
				<input name="sourceDpid" inputmode="numeric" pattern="[1-9][0-9]{0,9}" required />
			</label>
			<button type="submit">Grant</button>
		</form>
	</Section>
);
