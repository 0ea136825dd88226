import type { FC } from "hono/jsx";
import { Layout } from "../layout";

/** The login form: the admin token, or a partner's API key for the partner view. */
export const LoginPage: FC<{ error?: string }> = ({ error }) => (
	<Layout title="Log in">
		<form class="login" method="post" action="/admin/login">
			<h1>Log in</h1>
			<p>The operator's admin token, or a partner API key (es_…) to see that partner's receipts and runs.</p>
			{error && (
				<p class="error" role="alert">
					{error}
				</p>
			)}
			<label for="token">Token or API key</label>
			<input id="token" name="token" type="password" autocomplete="current-password" required maxlength={200} />
			<button type="submit">Log in</button>
		</form>
	</Layout>
);
