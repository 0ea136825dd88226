import { app } from "./http/app";

export default {
	fetch: app.fetch,
} satisfies ExportedHandler<Env>;
